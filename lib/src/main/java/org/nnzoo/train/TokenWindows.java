package org.nnzoo.train;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

/**
 * Language-model batches from one long token sequence: inputs are {@code (B, T)} windows of token indices,
 * labels the same windows shifted by one ({@code label[b][t] = token[start_b + t + 1]}), both as float.
 *
 * <p>Two modes: {@link #random} draws {@code batches} batches of window starts per epoch from
 * {@code seed + epoch} (training: any offset, reproducible); {@link #consecutive} cuts the text into
 * non-overlapping windows in order (evaluation: every token predicted once, up to {@code maxBatches}).
 * Each batch's arrays live in its own sub-manager, closed with the batch.
 */
public final class TokenWindows implements BatchSource {

    private final int[] tokens;
    private final int batchSize;
    private final int window;
    private final int batches;
    private final boolean random;
    private final long seed;

    private TokenWindows(int[] tokens, int batchSize, int window, int batches, boolean random, long seed) {
        if (batchSize < 1 || window < 1) {
            throw new IllegalArgumentException("batchSize and window must be at least 1, got " + batchSize + ", " + window);
        }
        if (tokens.length < window + 1) {
            throw new IllegalArgumentException("tokens has " + tokens.length + " entries; a window of " + window
                    + " needs at least " + (window + 1) + ": use a shorter window or more text");
        }
        if (batches < 1) {
            throw new IllegalArgumentException("batches must be at least 1, got " + batches);
        }
        this.tokens = tokens;
        this.batchSize = batchSize;
        this.window = window;
        this.batches = batches;
        this.random = random;
        this.seed = seed;
    }

    /** Training batches: {@code batches} per epoch, window starts drawn uniformly from {@code seed + epoch}. */
    public static TokenWindows random(int[] tokens, int batchSize, int window, int batches, long seed) {
        return new TokenWindows(tokens, batchSize, window, batches, true, seed);
    }

    /**
     * Evaluation batches: consecutive non-overlapping windows from the start, at most {@code maxBatches}
     * batches (the last batch may be smaller).
     */
    public static TokenWindows consecutive(int[] tokens, int batchSize, int window, int maxBatches) {
        int windows = (tokens.length - 1) / window;
        int n = Math.min(maxBatches, (windows + batchSize - 1) / batchSize);
        return new TokenWindows(tokens, batchSize, window, n, false, 0);
    }

    /** @return the number of tokens predicted per epoch */
    public long tokensPerEpoch() {
        if (random) {
            return (long) batches * batchSize * window;
        }
        return Math.min((long) batches * batchSize, (tokens.length - 1) / window) * window;
    }

    @Override
    public int batchCount() {
        return batches;
    }

    @Override
    public Shape[] inputShapes() {
        return new Shape[] {new Shape(batchSize, window)};
    }

    @Override
    public Iterable<Batch> batches(NDManager manager, int epoch) {
        SplittableRandom rnd = new SplittableRandom(seed + epoch);
        int windows = (tokens.length - 1) / window;
        return BatchSource.generate(batches, b -> {
            int n = random ? batchSize : Math.min(batchSize, windows - b * batchSize);
            float[] x = new float[n * window];
            float[] y = new float[n * window];
            for (int i = 0; i < n; i++) {
                int start = random ? rnd.nextInt(tokens.length - window) : (b * batchSize + i) * window;
                for (int t = 0; t < window; t++) {
                    x[i * window + t] = tokens[start + t];
                    y[i * window + t] = tokens[start + t + 1];
                }
            }
            NDManager bm = manager.newSubManager();
            Shape s = new Shape(n, window);
            return new Batch(bm, new NDList(bm.create(x, s)), new NDList(bm.create(y, s)), n,
                    Batchifier.STACK, Batchifier.STACK, b, batches);
        });
    }
}
