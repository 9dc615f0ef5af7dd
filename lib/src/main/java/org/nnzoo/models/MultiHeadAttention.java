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
 * Multi-head scaled dot-product attention, written from the equations of A. Vaswani et al., "Attention is
 * all you need", NeurIPS 2017:
 * <pre>
 *   Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k) + M) V
 *   head_i = Attention(X_q W_i^Q, X_kv W_i^K, X_kv W_i^V),   MultiHead = concat(head_1..head_h) W^O
 * </pre>
 * where the mask {@code M} is 0 where attending is allowed and {@code -inf} (here {@code -1e9}) where not:
 * with {@code causal} a position never sees later positions. The projections are DJL {@link Linear} blocks.
 * The idea of attention as a learned, similarity-weighted average: D. Bahdanau, K. Cho, Y. Bengio,
 * "Neural machine translation by jointly learning to align and translate", ICLR 2015.
 *
 * <p>Input: {@code (queries)} for self-attention, or {@code (queries, keysAndValues)} for cross-attention,
 * each {@code (B, T, d_model)}, optionally followed by a key mask {@code (B, T_k)}: 1 for a real key, 0 for
 * padding that no query may attend to (the encoder's source mask). Output: {@code (B, T_q, d_model)} and the attention weights
 * {@code (B, heads, T_q, T_k)} (each row sums to 1), which the notebooks draw as heat maps.
 */
public final class MultiHeadAttention extends AbstractBlock {

    private final int dModel;
    private final int heads;
    private final boolean causal;
    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final Linear out;

    /**
     * @param dModel width of the inputs and outputs; must be divisible by {@code heads}
     * @param heads  number of heads, each of width {@code dModel / heads}
     * @param causal true to mask out later positions (decoder self-attention)
     */
    public MultiHeadAttention(int dModel, int heads, boolean causal) {
        if (heads < 1 || dModel < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("dModel (" + dModel + ") must be a positive multiple of heads (" + heads + ")");
        }
        this.dModel = dModel;
        this.heads = heads;
        this.causal = causal;
        query = addChildBlock("query", Linear.builder().setUnits(dModel).build());
        key = addChildBlock("key", Linear.builder().setUnits(dModel).build());
        value = addChildBlock("value", Linear.builder().setUnits(dModel).build());
        out = addChildBlock("out", Linear.builder().setUnits(dModel).build());
    }

    /** @return the number of heads */
    public int heads() {
        return heads;
    }

    /**
     * Scaled dot-product attention: {@code softmax(q k^T / sqrt(d) + mask) v}.
     *
     * @param q    {@code (..., T_q, d)}
     * @param k    {@code (..., T_k, d)}
     * @param v    {@code (..., T_k, d_v)}
     * @param mask additive mask broadcastable to {@code (..., T_q, T_k)}, or null
     * @return {output {@code (..., T_q, d_v)}, weights {@code (..., T_q, T_k)}}
     */
    public static NDList attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        // excerpt-begin: attention
        long d = q.getShape().get(q.getShape().dimension() - 1);
        // excerpt-skip: axes = (0, 1, ..., n-1, n-2): transposes the last two axes of k
        int n = k.getShape().dimension();
        int[] axes = new int[n];
        for (int i = 0; i < n; i++) {
            axes[i] = i;
        }
        axes[n - 2] = n - 1;
        axes[n - 1] = n - 2;
        // excerpt-resume
        NDArray scores = q.matMul(k.transpose(axes)).div(org.nnzoo.train.Scalars.of(q, (float) Math.sqrt(d))); // Q K^T / sqrt(d_k)
        if (mask != null) {
            scores = scores.add(mask); // + M: 0 where allowed, -1e9 where not
        }
        NDArray weights = scores.softmax(-1); // each row sums to 1
        return new NDList(weights.matMul(v), weights);
        // excerpt-end: attention
    }

    /**
     * @return the additive causal mask {@code (T_q, T_k)}: 0 where key position {@code j <= i + (T_k - T_q)},
     *         {@code -1e9} after it
     */
    public static NDArray causalMask(NDManager manager, long tq, long tk, DataType type) {
        // excerpt-begin: causal-mask
        float[] m = new float[(int) (tq * tk)];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                m[(int) (i * tk + j)] = j > i + (tk - tq) ? -1e9f : 0f; // query i never sees a later key j
            }
        }
        // excerpt-end: causal-mask
        return manager.create(m, new Shape(tq, tk)).toType(type, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray xq = inputs.get(0);
        NDArray xkv = inputs.size() > 1 ? inputs.get(1) : xq;
        check(xq, "queries");
        check(xkv, "keys/values");
        // excerpt-begin: multi-head
        // X W^Q, X W^K, X W^V for all heads at once, then split: (B, T, d_model) -> (B, heads, T, d_model / heads)
        NDArray q = split(query.forward(ps, new NDList(xq), training).head());
        NDArray k = split(key.forward(ps, new NDList(xkv), training).head());
        NDArray v = split(value.forward(ps, new NDList(xkv), training).head());
        long b = xq.getShape().get(0);
        long tq = xq.getShape().get(1);
        long tk = xkv.getShape().get(1);
        NDArray mask = causal ? causalMask(xq.getManager(), tq, tk, q.getDataType()) : null;
        // excerpt-skip: with a key mask (B, T_k) as third input: -1e9 added to the padded keys' columns
        if (inputs.size() > 2) {
            NDArray keep = inputs.get(2);
            if (!keep.getShape().equals(new Shape(b, tk))) {
                throw new IllegalArgumentException("MultiHeadAttention key mask must be (batch, keys) = (" + b + ", " + tk
                        + ") with 1 for real keys and 0 for padding, got " + keep.getShape());
            }
            NDArray pad = keep.toType(q.getDataType(), false).neg().add(1f).mul(-1e9f).reshape(b, 1, 1, tk);
            mask = mask == null ? pad : mask.add(pad);
        }
        // excerpt-resume
        NDList a = attention(q, k, v, mask); // all heads in one call: head is just one more leading axis
        // merge: (B, h, T_q, d/h) -> (B, T_q, h, d/h) -> (B, T_q, d_model) = [head_1; ...; head_h]
        NDArray merged = a.get(0).transpose(0, 2, 1, 3).reshape(b, tq, dModel);
        return new NDList(out.forward(ps, new NDList(merged), training).head(), a.get(1)); // ... W^O, and the weights
        // excerpt-end: multi-head
    }

    private void check(NDArray x, String what) {
        if (x.getShape().dimension() != 3 || x.getShape().get(2) != dModel) {
            throw new IllegalArgumentException("MultiHeadAttention " + what + " must be (batch, time, " + dModel + "), got " + x.getShape());
        }
    }

    /** {@code (B, T, d_model)} to {@code (B, heads, T, d_model / heads)}. */
    // excerpt-begin: split-heads
    private NDArray split(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, dModel / heads).transpose(0, 2, 1, 3); // (B, T, h, d/h), then swap T and h
    }
    // excerpt-end: split-heads

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape q = inputShapes[0];
        Shape kv = inputShapes.length > 1 ? inputShapes[1] : q;
        query.initialize(manager, dataType, q);
        key.initialize(manager, dataType, kv);
        value.initialize(manager, dataType, kv);
        out.initialize(manager, dataType, new Shape(q.get(0), q.get(1), dModel));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape q = inputShapes[0];
        Shape kv = inputShapes.length > 1 ? inputShapes[1] : q;
        return new Shape[] {new Shape(q.get(0), q.get(1), dModel), new Shape(q.get(0), heads, q.get(1), kv.get(1))};
    }
}
