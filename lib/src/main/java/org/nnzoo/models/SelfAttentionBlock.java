package org.nnzoo.models;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One pre-norm Transformer block: multi-head self-attention and a position-wise feed-forward network, each
 * inside a residual connection with a layer norm in front (R. Xiong et al., "On layer normalization in the
 * Transformer architecture", ICML 2020):
 * <pre>
 *   x = x + MultiHeadAttention(LN(x))                     (causal or not; padding keys masked)
 *   x = x + FFN(LN(x)),   FFN(u) = W_2 GELU(W_1 u + b_1) + b_2
 * </pre>
 * It is the block of {@link Transformer} (causal: a decoder-only language model) and of
 * {@link EncoderDecoderTransformer}'s encoder (not causal); a Vision Transformer's encoder is a stack of the
 * same block, not causal, over patch embeddings. A. Vaswani et al., "Attention is all you need", NeurIPS 2017.
 *
 * <p>Inputs: {@code x (B, T, d)} and, optionally, a key mask {@code (B, T)} (1 for a real token, 0 for padding
 * that no position may attend to). Outputs: {@code x (B, T, d)} and the attention weights
 * {@code (B, heads, T, T)}.
 */
public final class SelfAttentionBlock extends AbstractBlock {

    private final LayerNorm norm1 = LayerNorm.builder().axis(2).build();
    private final MultiHeadAttention attention;
    private final LayerNorm norm2 = LayerNorm.builder().axis(2).build();
    private final SequentialBlock ffn;

    /**
     * @param dModel   width of the block's input and output (divisible by {@code heads})
     * @param heads    attention heads
     * @param ffnWidth hidden width of the feed-forward network (usually {@code 4 * dModel})
     * @param causal   true to let each position attend only to itself and earlier positions
     */
    public SelfAttentionBlock(int dModel, int heads, int ffnWidth, boolean causal) {
        addChildBlock("norm1", norm1);
        attention = addChildBlock("attention", new MultiHeadAttention(dModel, heads, causal));
        addChildBlock("norm2", norm2);
        ffn = addChildBlock("ffn", feedForward(dModel, ffnWidth));
    }

    /**
     * The position-wise feed-forward network of a Transformer block, applied to every position alike:
     * {@code FFN(u) = W_2 GELU(W_1 u + b_1) + b_2}, {@code dModel -> width -> dModel}.
     */
    public static SequentialBlock feedForward(int dModel, int width) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(width).build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(dModel).build());
    }

    /** @return the block's attention layer */
    public MultiHeadAttention attention() {
        return attention;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // excerpt-begin: pre-norm-forward
        NDArray x = inputs.head();
        NDArray n = norm1.forward(ps, new NDList(x), training).head();                          // LN(x)
        // self-attention: queries, keys and values all come from LN(x) (plus the key mask, if given)
        NDList a = attention.forward(ps, inputs.size() > 1 ? new NDList(n, n, inputs.get(1)) : new NDList(n), training);
        x = x.add(a.get(0));                                                                    // x + MHA(LN(x))
        x = x.add(ffn.forward(ps, norm2.forward(ps, new NDList(x), training), training).head()); // x + FFN(LN(x))
        return new NDList(x, a.get(1));
        // excerpt-end: pre-norm-forward
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : List.of(norm1, attention, norm2, ffn)) { // in this order: the order of their random draws
            child.initialize(manager, dataType, inputShapes[0]);    // every child sees (B, T, d)
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], attention.getOutputShapes(inputShapes)[1]};
    }
}
