package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The decoder block of the encoder-decoder Transformer (A. Vaswani et al., "Attention is all you need",
 * NeurIPS 2017), pre-norm: causal self-attention over the target so far, then cross-attention (queries from
 * the decoder, keys and values from the encoder's output {@code memory}), then a feed-forward network, each
 * inside a residual connection with a layer norm in front:
 * <pre>
 *   y = y + CausalSelfAttention(LN(y))
 *   y = y + CrossAttention(LN(y), memory)
 *   y = y + FFN(LN(y))
 * </pre>
 * Used by {@link EncoderDecoderTransformer}; any model that conditions a sequence on another one (a caption
 * on image patches, a translation on its source) can stack it on a {@link SelfAttentionBlock} encoder.
 *
 * <p>Inputs: decoder states {@code y (B, T, d)}, encoder memory {@code (B, S, d)} and, optionally, a source
 * mask {@code (B, S)} (1 for a real token, 0 for padding). Outputs: {@code y (B, T, d)} and the
 * cross-attention weights {@code (B, heads, T, S)}.
 */
public final class CrossAttentionBlock extends AbstractBlock {

    private final LayerNorm norm1 = LayerNorm.builder().axis(2).build();
    private final MultiHeadAttention self;
    private final LayerNorm norm2 = LayerNorm.builder().axis(2).build();
    private final MultiHeadAttention cross;
    private final LayerNorm norm3 = LayerNorm.builder().axis(2).build();
    private final SequentialBlock ffn;

    /**
     * @param dModel   width of the decoder states and of the memory (divisible by {@code heads})
     * @param heads    heads of each attention layer
     * @param ffnWidth hidden width of the feed-forward network
     */
    public CrossAttentionBlock(int dModel, int heads, int ffnWidth) {
        addChildBlock("norm1", norm1);
        self = addChildBlock("self_attention", new MultiHeadAttention(dModel, heads, true));
        addChildBlock("norm2", norm2);
        cross = addChildBlock("cross_attention", new MultiHeadAttention(dModel, heads, false));
        addChildBlock("norm3", norm3);
        ffn = addChildBlock("ffn", SelfAttentionBlock.feedForward(dModel, ffnWidth));
    }

    /** @return the cross-attention layer (decoder queries, encoder keys and values) */
    public MultiHeadAttention crossAttention() {
        return cross;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = inputs.get(0);
        NDArray memory = inputs.get(1);
        y = y.add(self.forward(ps, norm1.forward(ps, new NDList(y), training), training).head()); // y + causal MHA(LN(y))
        NDArray q = norm2.forward(ps, new NDList(y), training).head();
        NDList c = cross.forward(ps, inputs.size() > 2 ? new NDList(q, memory, inputs.get(2)) : new NDList(q, memory), training);
        y = y.add(c.get(0));                                                                      // y + MHA(LN(y), memory)
        y = y.add(ffn.forward(ps, norm3.forward(ps, new NDList(y), training), training).head());  // y + FFN(LN(y))
        return new NDList(y, c.get(1));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        norm1.initialize(manager, dataType, inputShapes[0]);
        self.initialize(manager, dataType, inputShapes[0]);
        norm2.initialize(manager, dataType, inputShapes[0]);
        cross.initialize(manager, dataType, inputShapes[0], inputShapes[1]);
        norm3.initialize(manager, dataType, inputShapes[0]);
        ffn.initialize(manager, dataType, inputShapes[0]);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0], cross.getOutputShapes(new Shape[] {inputShapes[0], inputShapes[1]})[1]};
    }
}
