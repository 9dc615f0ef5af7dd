package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A causal, decoder-only Transformer language model (GPT-style, pre-norm): token embedding plus sinusoidal
 * {@link PositionalEncoding}, then {@code layers} blocks of
 * <pre>
 *   x = x + MultiHeadAttention(LayerNorm(x))      (causal self-attention)
 *   x = x + FFN(LayerNorm(x)),   FFN(u) = W_2 GELU(W_1 u + b_1) + b_2
 * </pre>
 * then a final layer norm and a linear read-out to logits over the vocabulary at every position.
 *
 * <p>A. Vaswani et al., "Attention is all you need", NeurIPS 2017 (the architecture); A. Radford et al.,
 * "Improving language understanding by generative pre-training", 2018 (decoder-only language model); pre-norm
 * placement: R. Xiong et al., "On layer normalization in the Transformer architecture", ICML 2020; layer norm:
 * J. L. Ba, J. R. Kiros, G. E. Hinton, 2016.
 *
 * <p>Input {@code (B, T)} token indices (float or int). Output: the logits {@code (B, T, vocab)} first (what
 * losses and {@code Fit} use), then the attention weights of every layer, {@code (B, heads, T, T)} each.
 */
public final class Transformer extends AbstractBlock {

    private final int vocab;
    private final int dModel;
    private final Linear embed;
    private final PositionalEncoding position = new PositionalEncoding();
    private final List<SelfAttentionBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Linear head;

    /**
     * @param vocab  vocabulary size
     * @param dModel model width (even, divisible by {@code heads})
     * @param heads  attention heads per layer
     * @param layers number of blocks
     * @param ffn    hidden width of the feed-forward part (usually {@code 4 * dModel})
     */
    public Transformer(int vocab, int dModel, int heads, int layers, int ffn) {
        checkSizes(vocab, dModel, layers, ffn);
        this.vocab = vocab;
        this.dModel = dModel;
        embed = addChildBlock("embed", Linear.builder().setUnits(dModel).optBias(false).build()); // one-hot times E
        addChildBlock("position", position);
        for (int i = 0; i < layers; i++) {
            blocks.add(addChildBlock("block" + i, new SelfAttentionBlock(dModel, heads, ffn, true)));
        }
        norm = addChildBlock("norm", LayerNorm.builder().axis(2).build());
        head = addChildBlock("head", Linear.builder().setUnits(vocab).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.head();
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException("Transformer expects token indices of shape (batch, time), got " + ids.getShape());
        }
        NDArray x = ids.toType(DataType.INT64, false).oneHot(vocab).toType(DataType.FLOAT32, false);
        NDArray embedded = embed.forward(ps, new NDList(x), training).head();
        x = embedded.mul(org.nnzoo.train.Scalars.of(embedded, (float) Math.sqrt(dModel)));
        x = position.forward(ps, new NDList(x), training).head();
        NDList attention = new NDList();
        for (SelfAttentionBlock b : blocks) {
            NDList o = b.forward(ps, new NDList(x), training);
            x = o.get(0);
            attention.add(o.get(1));
        }
        x = norm.forward(ps, new NDList(x), training).head();
        NDList result = new NDList(head.forward(ps, new NDList(x), training).head());
        result.addAll(attention);
        return result;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape ids = inputShapes[0];
        Shape hidden = new Shape(ids.get(0), ids.get(1), dModel);
        embed.initialize(manager, dataType, new Shape(ids.get(0), ids.get(1), vocab));
        position.initialize(manager, dataType, hidden);
        for (SelfAttentionBlock b : blocks) {
            b.initialize(manager, dataType, hidden);
        }
        norm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        Shape[] out = new Shape[1 + blocks.size()];
        out[0] = new Shape(ids.get(0), ids.get(1), vocab);
        for (int i = 0; i < blocks.size(); i++) {
            out[i + 1] = new Shape(ids.get(0), blocks.get(i).attention.heads(), ids.get(1), ids.get(1));
        }
        return out;
    }

    /** The size checks shared by this model and {@link EncoderDecoderTransformer}. */
    static void checkSizes(int vocab, int dModel, int layers, int ffn) {
        if (vocab < 2 || layers < 1 || ffn < 1) {
            throw new IllegalArgumentException("need vocab >= 2, layers >= 1, ffn >= 1; got " + vocab + ", " + layers + ", " + ffn);
        }
        if (dModel % 2 != 0) {
            throw new IllegalArgumentException("dModel must be even for the sinusoidal positional encoding, got " + dModel);
        }
    }

    /** The position-wise feed-forward network of a block: dModel -> width -> GELU -> dModel. */
    static SequentialBlock feedForward(int dModel, int width) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(width).build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(dModel).build());
    }

    /**
     * One pre-norm self-attention block: self-attention (causal in this model's decoder, not in
     * {@link EncoderDecoderTransformer}'s encoder) and a feed-forward network, each with a residual.
     * Inputs: {@code x (B, T, d)} and, optionally, a key mask {@code (B, T)}; outputs: {@code x} and the
     * attention weights {@code (B, heads, T, T)}.
     */
    static final class SelfAttentionBlock extends AbstractBlock {

        private final LayerNorm norm1 = LayerNorm.builder().axis(2).build();
        private final MultiHeadAttention attention;
        private final LayerNorm norm2 = LayerNorm.builder().axis(2).build();
        private final SequentialBlock ffn;

        SelfAttentionBlock(int dModel, int heads, int ffnWidth, boolean causal) {
            addChildBlock("norm1", norm1);
            attention = addChildBlock("attention", new MultiHeadAttention(dModel, heads, causal));
            addChildBlock("norm2", norm2);
            ffn = addChildBlock("ffn", feedForward(dModel, ffnWidth));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.head();
            NDArray n = norm1.forward(ps, new NDList(x), training).head();
            NDList a = attention.forward(ps, inputs.size() > 1 ? new NDList(n, n, inputs.get(1)) : new NDList(n), training);
            x = x.add(a.get(0));
            x = x.add(ffn.forward(ps, norm2.forward(ps, new NDList(x), training), training).head());
            return new NDList(x, a.get(1));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            norm1.initialize(manager, dataType, inputShapes[0]);
            attention.initialize(manager, dataType, inputShapes[0]);
            norm2.initialize(manager, dataType, inputShapes[0]);
            ffn.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0], attention.getOutputShapes(inputShapes)[1]};
        }
    }
}
