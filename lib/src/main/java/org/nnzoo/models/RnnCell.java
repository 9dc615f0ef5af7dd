package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The Elman recurrent cell, written from its equation:
 * <pre>
 *   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
 * </pre>
 * J. L. Elman, "Finding structure in time", Cognitive Science 14, 1990. Gradients through time:
 * Y. Bengio, P. Simard, P. Frasconi, "Learning long-term dependencies with gradient descent is difficult",
 * IEEE Trans. Neural Networks 5, 1994 (the vanishing-gradient problem that GRU and LSTM address).
 *
 * <p>Same parameters and results as DJL's {@code ai.djl.nn.recurrent.RNN} with tanh (tested to 1e-5,
 * forward and gradients), so a notebook can teach with this cell and train with the built-in one.
 */
public final class RnnCell extends RecurrentCell {

    /** @param hidden the state size H */
    public RnnCell(int hidden) {
        super(hidden, 1);
    }

    @Override
    public NDList step(NDArray x, NDList state, NDList w) {
        // excerpt-begin: step
        NDArray h = state.get(0);
        // h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
        return new NDList(affine(x, w.get(0), w.get(2)).add(affine(h, w.get(1), w.get(3))).tanh());
        // excerpt-end: step
    }
}
