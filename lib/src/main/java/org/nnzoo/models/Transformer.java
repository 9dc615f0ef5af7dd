package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A causal, decoder-only Transformer language model (GPT-style, pre-norm): a {@link TokenEmbedding} (token
 * embedding scaled by {@code sqrt(d_model)} plus the sinusoidal {@link PositionalEncoding}), then {@code layers}
 * causal {@link SelfAttentionBlock}s,
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
 * The pieces ({@link MultiHeadAttention}, {@link SelfAttentionBlock}, {@link CrossAttentionBlock},
 * {@link TokenEmbedding}, {@link PositionalEncoding}) are public blocks for other attention models.
 */
public final class Transformer extends AbstractBlock {

    private final int vocab;
    private final TokenEmbedding embed;
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
        embed = addChildBlock("embed", new TokenEmbedding(vocab, dModel));
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
        NDArray x = embed.forward(ps, new NDList(ids), training).head(); // sqrt(d) E[id] + PE
        NDList attention = new NDList();
        for (SelfAttentionBlock b : blocks) {
            NDList o = b.forward(ps, new NDList(x), training);
            x = o.get(0);
            attention.add(o.get(1));
        }
        x = norm.forward(ps, new NDList(x), training).head();
        NDList result = new NDList(head.forward(ps, new NDList(x), training).head()); // logits
        result.addAll(attention);
        return result;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hidden = embed.getOutputShapes(inputShapes)[0];
        embed.initialize(manager, dataType, inputShapes[0]);
        for (SelfAttentionBlock b : blocks) {
            b.initialize(manager, dataType, hidden);
        }
        norm.initialize(manager, dataType, hidden);
        head.initialize(manager, dataType, hidden);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[0];
        Shape[] hidden = embed.getOutputShapes(inputShapes);
        Shape[] out = new Shape[1 + blocks.size()];
        out[0] = new Shape(ids.get(0), ids.get(1), vocab);
        for (int i = 0; i < blocks.size(); i++) {
            out[i + 1] = blocks.get(i).getOutputShapes(hidden)[1];
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
}
