package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.nnzoo.train.BatchSource;

import ai.djl.Model;
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
 * The encoder-decoder Transformer of A. Vaswani et al., "Attention is all you need", NeurIPS 2017 (here with
 * pre-norm blocks, R. Xiong et al., ICML 2020), for sequence-to-sequence tasks. The encoder reads the whole
 * source with non-causal self-attention; the decoder predicts the target one token at a time from the tokens
 * before it (causal self-attention) and from the encoder's output (cross-attention: queries from the decoder,
 * keys and values from the encoder):
 * <pre>
 *   encoder block:  x = x + SelfAttention(LN(x));               x = x + FFN(LN(x))
 *   decoder block:  y = y + CausalSelfAttention(LN(y));         y = y + CrossAttention(LN(y), memory)
 *                   y = y + FFN(LN(y))
 * </pre>
 * with {@code memory = LN(encoder output)}, a {@link TokenEmbedding} (with the sinusoidal
 * {@link PositionalEncoding}) on each side and a linear read-out to target logits. The encoder blocks are
 * {@link SelfAttentionBlock}s (not causal), the decoder blocks {@link CrossAttentionBlock}s.
 *
 * <p>Inputs: source token indices {@code (B, S)}, decoder inputs {@code (B, T)} (the target shifted right,
 * starting with a begin symbol: teacher forcing), and optionally a source mask {@code (B, S)} with 1 for real
 * tokens and 0 for padding (neither the encoder nor the cross-attention attends to padding). One vocabulary
 * for both sides. Outputs: logits {@code (B, T, vocab)} first, then the cross-attention weights of every
 * decoder layer, {@code (B, heads, T, S)} each.
 */
public final class EncoderDecoderTransformer extends AbstractBlock {

    private final int vocab;
    private final TokenEmbedding srcEmbed;
    private final TokenEmbedding tgtEmbed;
    private final List<SelfAttentionBlock> encoder = new ArrayList<>();
    private final List<CrossAttentionBlock> decoder = new ArrayList<>();
    private final LayerNorm encNorm;
    private final LayerNorm decNorm;
    private final Linear head;

    /**
     * @param vocab  vocabulary size (source and target, including any begin symbol)
     * @param dModel model width (even, divisible by {@code heads})
     * @param heads  attention heads per attention layer
     * @param layers number of encoder blocks and of decoder blocks
     * @param ffn    hidden width of the feed-forward parts
     */
    public EncoderDecoderTransformer(int vocab, int dModel, int heads, int layers, int ffn) {
        Transformer.checkSizes(vocab, dModel, layers, ffn);
        this.vocab = vocab;
        srcEmbed = addChildBlock("src_embed", new TokenEmbedding(vocab, dModel));
        tgtEmbed = addChildBlock("tgt_embed", new TokenEmbedding(vocab, dModel));
        for (int i = 0; i < layers; i++) {
            encoder.add(addChildBlock("enc" + i, new SelfAttentionBlock(dModel, heads, ffn, false)));
        }
        for (int i = 0; i < layers; i++) {
            decoder.add(addChildBlock("dec" + i, new CrossAttentionBlock(dModel, heads, ffn)));
        }
        encNorm = addChildBlock("enc_norm", LayerNorm.builder().axis(2).build());
        decNorm = addChildBlock("dec_norm", LayerNorm.builder().axis(2).build());
        head = addChildBlock("head", Linear.builder().setUnits(vocab).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (inputs.size() < 2 || inputs.get(0).getShape().dimension() != 2 || inputs.get(1).getShape().dimension() != 2) {
            throw new IllegalArgumentException("EncoderDecoderTransformer expects (source (B, S), decoder inputs (B, T)"
                    + "[, source mask (B, S)]), got " + java.util.Arrays.toString(inputs.getShapes()));
        }
        NDArray srcMask = inputs.size() > 2 ? inputs.get(2) : null;
        NDArray x = srcEmbed.forward(ps, new NDList(inputs.get(0)), training).head();
        for (SelfAttentionBlock b : encoder) {
            x = b.forward(ps, srcMask == null ? new NDList(x) : new NDList(x, srcMask), training).head();
        }
        NDArray memory = encNorm.forward(ps, new NDList(x), training).head();
        NDArray y = tgtEmbed.forward(ps, new NDList(inputs.get(1)), training).head();
        NDList cross = new NDList();
        for (CrossAttentionBlock b : decoder) {
            NDList o = b.forward(ps, srcMask == null ? new NDList(y, memory) : new NDList(y, memory, srcMask), training);
            y = o.get(0);
            cross.add(o.get(1));
        }
        y = decNorm.forward(ps, new NDList(y), training).head();
        NDList result = new NDList(head.forward(ps, new NDList(y), training).head());
        result.addAll(cross);
        return result;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape hs = srcEmbed.getOutputShapes(new Shape[] {inputShapes[0]})[0];
        Shape ht = tgtEmbed.getOutputShapes(new Shape[] {inputShapes[1]})[0];
        srcEmbed.initialize(manager, dataType, inputShapes[0]);
        tgtEmbed.initialize(manager, dataType, inputShapes[1]);
        for (SelfAttentionBlock b : encoder) {
            b.initialize(manager, dataType, hs);
        }
        for (CrossAttentionBlock b : decoder) {
            b.initialize(manager, dataType, ht, hs);
        }
        encNorm.initialize(manager, dataType, hs);
        decNorm.initialize(manager, dataType, ht);
        head.initialize(manager, dataType, ht);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape tgt = inputShapes[1];
        Shape[] hidden = {tgtEmbed.getOutputShapes(new Shape[] {tgt})[0], srcEmbed.getOutputShapes(inputShapes)[0]};
        Shape[] out = new Shape[1 + decoder.size()];
        out[0] = new Shape(tgt.get(0), tgt.get(1), vocab);
        for (int i = 0; i < decoder.size(); i++) {
            out[i + 1] = decoder.get(i).getOutputShapes(hidden)[1];
        }
        return out;
    }

    /**
     * Greedy decoding: starts every target with {@code begin}, runs the model, appends the most likely next
     * token, {@code length} times (the model is run on the growing prefix; causal, so earlier outputs do not
     * change).
     *
     * @param sources {@code [b][s]} source token indices (all of one length)
     * @return the generated tokens {@code [b][length]} (without the begin symbol)
     */
    public static int[][] greedyDecode(Model model, int[][] sources, int begin, int length) {
        int batch = sources.length;
        int s = sources[0].length;
        float[] src = new float[batch * s];
        for (int b = 0; b < batch; b++) {
            if (sources[b].length != s) {
                throw new IllegalArgumentException("all sources must have the same length: source 0 has " + s + ", source " + b
                        + " has " + sources[b].length);
            }
            for (int j = 0; j < s; j++) {
                src[b * s + j] = sources[b][j];
            }
        }
        int[][] out = new int[batch][length];
        for (int t = 0; t < length; t++) {
            float[] dec = new float[batch * (t + 1)];
            for (int b = 0; b < batch; b++) {
                dec[b * (t + 1)] = begin;
                for (int i = 0; i < t; i++) {
                    dec[b * (t + 1) + i + 1] = out[b][i];
                }
            }
            try (NDManager sub = model.getNDManager().newSubManager()) {
                NDList in = new NDList(sub.create(src, new Shape(batch, s)), sub.create(dec, new Shape(batch, t + 1)));
                NDArray logits = model.getBlock().forward(new ParameterStore(sub, false), in, false).head(); // (B, t+1, V)
                long[] next = logits.get(new ai.djl.ndarray.index.NDIndex(":, -1, :")).argMax(1).toLongArray();
                for (int b = 0; b < batch; b++) {
                    out[b][t] = (int) next[b];
                }
            }
        }
        return out;
    }

    /** @return {@code piece} reversed */
    public static int[] reversed(int[] piece) {
        int[] r = new int[piece.length];
        for (int i = 0; i < piece.length; i++) {
            r[i] = piece[piece.length - 1 - i];
        }
        return r;
    }

    /**
     * The reversal task on real text: the source is a window of {@code length} tokens of {@code tokens} at a
     * random offset, the target the same window reversed. Each epoch {@code batches} batches from
     * {@code seed + epoch}; inputs (source, decoder inputs = begin symbol then the target without its last
     * token), labels the target.
     *
     * @param begin the begin symbol (a token index not used in the text, e.g. the vocabulary size - 1)
     */
    public static BatchSource reversalTask(int[] tokens, int length, int batchSize, int batches, int begin, long seed) {
        if (length < 1 || batchSize < 1 || batches < 1) {
            throw new IllegalArgumentException("need length, batchSize, batches >= 1; got " + length + ", " + batchSize + ", " + batches);
        }
        if (tokens.length <= length) {
            throw new IllegalArgumentException("tokens has " + tokens.length + " entries; windows of " + length
                    + " need more: use a shorter length or more text");
        }
        return BatchSource.sequencePairs(batches, batchSize, length, epoch -> {
            SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + epoch);
            return (b, src, dec, y) -> {
                for (int i = 0; i < batchSize; i++) {
                    int start = rnd.nextInt(tokens.length - length);
                    for (int t = 0; t < length; t++) {
                        src[i * length + t] = tokens[start + t];
                        y[i * length + t] = tokens[start + length - 1 - t];
                        dec[i * length + t] = t == 0 ? begin : tokens[start + length - t];
                    }
                }
            };
        });
    }
}
