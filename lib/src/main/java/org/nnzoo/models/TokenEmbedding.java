package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The input layer of a Transformer over tokens (A. Vaswani et al., "Attention is all you need", NeurIPS 2017,
 * section 3.4): each token index becomes a learned vector, scaled by {@code sqrt(d_model)}, plus the
 * sinusoidal {@link PositionalEncoding} of its position,
 * <pre>
 *   x_t = sqrt(d_model) * E[id_t] + PE(t)
 * </pre>
 * The table {@code E} is a {@link Linear} layer without bias applied to one-hot vectors (a one-hot vector
 * times {@code E} is one row of {@code E}). A Vision Transformer replaces this layer by a linear map of image
 * patches (plus a position term) and keeps the rest of the stack.
 *
 * <p>Input: token indices {@code (B, T)} (float or int). Output: {@code (B, T, d_model)}.
 */
public final class TokenEmbedding extends AbstractBlock {

    private final int vocab;
    private final int dModel;
    private final Linear table;
    private final PositionalEncoding position = new PositionalEncoding();

    /**
     * @param vocab  number of distinct tokens
     * @param dModel width of the embeddings (even, for the positional encoding)
     */
    public TokenEmbedding(int vocab, int dModel) {
        if (vocab < 1 || dModel < 2 || dModel % 2 != 0) {
            throw new IllegalArgumentException("need vocab >= 1 and an even dModel >= 2, got " + vocab + ", " + dModel);
        }
        this.vocab = vocab;
        this.dModel = dModel;
        table = addChildBlock("table", Linear.builder().setUnits(dModel).optBias(false).build()); // E
        addChildBlock("position", position);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.head();
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("TokenEmbedding expects token indices of shape (batch, time), got "
                    + ids.getShape());
        }
        NDArray oneHot = ids.toType(DataType.INT64, false).oneHot(vocab).toType(DataType.FLOAT32, false);
        NDArray e = table.forward(ps, new NDList(oneHot), training).head();                // E[id]
        e = e.mul(org.nnzoo.train.Scalars.of(e, (float) Math.sqrt(dModel)));                 // * sqrt(d_model)
        return position.forward(ps, new NDList(e), training);                               // + PE(t)
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        table.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), vocab));
        position.initialize(manager, dataType, getOutputShapes(inputShapes));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        return new Shape[] {new Shape(ids.get(0), ids.get(1), dModel)};
    }
}
