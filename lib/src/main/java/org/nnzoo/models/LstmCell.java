package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The long short-term memory cell, written from its equations (PyTorch's gate order i, f, g, o):
 * <pre>
 *   i_t = sigmoid(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)   input gate
 *   f_t = sigmoid(W_if x_t + b_if + W_hf h_{t-1} + b_hf)   forget gate
 *   g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)      candidate
 *   o_t = sigmoid(W_io x_t + b_io + W_ho h_{t-1} + b_ho)   output gate
 *   c_t = f_t * c_{t-1} + i_t * g_t                        cell state (the additive memory path)
 *   h_t = o_t * tanh(c_t)
 * </pre>
 * S. Hochreiter, J. Schmidhuber, "Long short-term memory", Neural Computation 9, 1997; the forget gate:
 * F. A. Gers, J. Schmidhuber, F. Cummins, "Learning to forget", Neural Computation 12, 2000.
 *
 * <p>Same parameters and results as DJL's {@code ai.djl.nn.recurrent.LSTM} (tested to 1e-5, forward and
 * gradients). The state is {@code (h, c)}.
 */
public final class LstmCell extends RecurrentCell {

    /** @param hidden the state size H */
    public LstmCell(int hidden) {
        super(hidden, 4);
    }

    @Override
    protected int stateCount() {
        return 2;
    }

    @Override
    public NDList step(NDArray x, NDList state, NDList w) {
        // excerpt-begin: step
        NDArray h = state.get(0);
        NDArray c = state.get(1);
        NDArray g4 = affine(x, w.get(0), w.get(2)).add(affine(h, w.get(1), w.get(3))); // (B, 4H): gates i f g o
        NDArray i = sigmoid(gate(g4, 0)); // input gate
        NDArray f = sigmoid(gate(g4, 1)); // forget gate
        NDArray g = gate(g4, 2).tanh(); // candidate
        NDArray o = sigmoid(gate(g4, 3)); // output gate
        NDArray cNext = f.mul(c).add(i.mul(g)); // c_t = f c_{t-1} + i g
        return new NDList(o.mul(cNext.tanh()), cNext); // h_t = o tanh(c_t)
        // excerpt-end: step
    }
}
