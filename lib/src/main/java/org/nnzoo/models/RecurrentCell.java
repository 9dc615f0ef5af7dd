package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;

/**
 * The common part of the hand-written recurrent cells ({@link RnnCell}, {@link GruCell}, {@link LstmCell}):
 * the four parameters, laid out exactly as PyTorch and DJL's {@code ai.djl.nn.recurrent} layers lay them
 * out ({@code i2h_WEIGHT} of shape {@code (gates*H, D)}, {@code h2h_WEIGHT} {@code (gates*H, H)},
 * {@code i2h_BIAS}, {@code h2h_BIAS} of {@code gates*H}), so weights copy one-to-one between the two, and
 * the loop that unrolls {@link #step} over time.
 *
 * <p>Input: {@code (batch, time, features)} (batch first). Output: {@code (batch, time, H)} followed by the
 * final state ({@code h_T}, and for the LSTM {@code c_T}), each {@code (batch, H)}.
 */
public abstract class RecurrentCell extends AbstractBlock {

    /** Parameter name suffixes, in DJL's order. */
    public static final String[] PARAMETERS = {"i2h_WEIGHT", "h2h_WEIGHT", "i2h_BIAS", "h2h_BIAS"};

    protected final int hidden;
    protected final int gates;
    private final Parameter wIh;
    private final Parameter wHh;
    private final Parameter bIh;
    private final Parameter bHh;

    protected RecurrentCell(int hidden, int gates) {
        if (hidden < 1) {
            throw new IllegalArgumentException("hidden (the state size) must be at least 1, got " + hidden);
        }
        this.hidden = hidden;
        this.gates = gates;
        // PyTorch's default: U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias
        float bound = (float) (1 / Math.sqrt(hidden));
        wIh = addParameter(Parameter.builder().setName(PARAMETERS[0]).setType(Parameter.Type.WEIGHT)
                .optInitializer(new UniformInitializer(bound)).build());
        wHh = addParameter(Parameter.builder().setName(PARAMETERS[1]).setType(Parameter.Type.WEIGHT)
                .optInitializer(new UniformInitializer(bound)).build());
        bIh = addParameter(Parameter.builder().setName(PARAMETERS[2]).setType(Parameter.Type.BIAS)
                .optInitializer(new UniformInitializer(bound)).build());
        bHh = addParameter(Parameter.builder().setName(PARAMETERS[3]).setType(Parameter.Type.BIAS)
                .optInitializer(new UniformInitializer(bound)).build());
    }

    /** @return the state size H */
    public int hiddenSize() {
        return hidden;
    }

    /** @return the number of state arrays: 1 ({@code h}), 2 for the LSTM ({@code h, c}) */
    protected int stateCount() {
        return 1;
    }

    /**
     * One time step, written from the cell's equations.
     *
     * @param x     the input at time t, {@code (batch, D)}
     * @param state the previous state ({@code h}, or {@code h, c}), each {@code (batch, H)}
     * @param w     the parameters: {@code W_ih, W_hh, b_ih, b_hh}
     * @return the new state, {@code h} first
     */
    public abstract NDList step(NDArray x, NDList state, NDList w);

    /** @return the zero state for a batch */
    public NDList initialState(NDManager manager, long batch, DataType type) {
        NDList s = new NDList();
        for (int i = 0; i < stateCount(); i++) {
            s.add(manager.zeros(new Shape(batch, hidden), type));
        }
        return s;
    }

    @Override
    protected void prepare(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        if (in.dimension() != 3) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + " expects input of shape (batch, time, features), got " + in);
        }
        long d = in.get(2);
        wIh.setShape(new Shape(gates * (long) hidden, d));
        wHh.setShape(new Shape(gates * (long) hidden, hidden));
        bIh.setShape(new Shape(gates * (long) hidden));
        bHh.setShape(new Shape(gates * (long) hidden));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape[] out = new Shape[1 + stateCount()];
        out[0] = new Shape(in.get(0), in.get(1), hidden);
        for (int i = 1; i < out.length; i++) {
            out[i] = new Shape(in.get(0), hidden);
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        if (x.getShape().dimension() != 3) {
            throw new IllegalArgumentException(getClass().getSimpleName()
                    + " expects input of shape (batch, time, features), got " + x.getShape());
        }
        NDList w = new NDList(ps.getValue(wIh, x.getDevice(), training), ps.getValue(wHh, x.getDevice(), training),
                ps.getValue(bIh, x.getDevice(), training), ps.getValue(bHh, x.getDevice(), training));
        long batch = x.getShape().get(0);
        long time = x.getShape().get(1);
        NDList state = inputs.size() > 1 ? inputs.subNDList(1) : initialState(x.getManager(), batch, x.getDataType());
        // excerpt-begin: unroll
        List<NDArray> outputs = new ArrayList<>();
        for (long t = 0; t < time; t++) {
            state = step(x.get(new NDIndex(":, {}, :", t)), state, w); // the same weights w at every step
            outputs.add(state.head());
        }
        // excerpt-end: unroll
        NDList result = new NDList(NDArrays.stack(new NDList(outputs), 1));
        result.addAll(state);
        return result;
    }

    /** @return the logistic sigmoid 1 / (1 + e^-x), element-wise */
    protected static NDArray sigmoid(NDArray x) {
        return ai.djl.nn.Activation.sigmoid(x);
    }

    /** {@code x W^T + b}: the affine map of a (batch, in) array by a PyTorch-layout weight (out, in). */
    protected static NDArray affine(NDArray x, NDArray weight, NDArray bias) {
        return x.matMul(weight.transpose()).add(bias);
    }

    /** @return the rows {@code [k*H, (k+1)*H)} of a stacked gate array along its last axis */
    protected NDArray gate(NDArray stacked, int k) {
        return stacked.get(new NDIndex("..., {}:{}", k * (long) hidden, (k + 1) * (long) hidden));
    }
}
