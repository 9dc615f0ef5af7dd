package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The gated recurrent unit, written from its equations (PyTorch's gate order r, z, n):
 * <pre>
 *   r_t = sigmoid(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)        reset gate
 *   z_t = sigmoid(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)        update gate
 *   n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))   candidate state
 *   h_t = (1 - z_t) * n_t + z_t * h_{t-1}
 * </pre>
 * K. Cho et al., "Learning phrase representations using RNN encoder-decoder for statistical machine
 * translation", EMNLP 2014; J. Chung et al., "Empirical evaluation of gated recurrent neural networks on
 * sequence modeling", 2014.
 *
 * <p>Same parameters and results as DJL's {@code ai.djl.nn.recurrent.GRU} (tested to 1e-5, forward and
 * gradients).
 */
public final class GruCell extends RecurrentCell {

    /** @param hidden the state size H */
    public GruCell(int hidden) {
        super(hidden, 3);
    }

    @Override
    public NDList step(NDArray x, NDList state, NDList w) {
        // excerpt-begin: step
        NDArray h = state.get(0);
        NDArray gx = affine(x, w.get(0), w.get(2)); // (B, 3H): W_i{r,z,n} x + b_i{r,z,n}
        NDArray gh = affine(h, w.get(1), w.get(3)); // (B, 3H): W_h{r,z,n} h + b_h{r,z,n}
        NDArray r = sigmoid(gate(gx, 0).add(gate(gh, 0))); // reset gate
        NDArray z = sigmoid(gate(gx, 1).add(gate(gh, 1))); // update gate
        NDArray n = gate(gx, 2).add(r.mul(gate(gh, 2))).tanh(); // candidate: r * (W_hn h + b_hn)
        return new NDList(z.neg().add(1).mul(n).add(z.mul(h))); // (1 - z) n + z h
        // excerpt-end: step
    }
}
