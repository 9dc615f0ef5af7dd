package org.nnzoo.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;

/**
 * What {@link Fit} trains on: a sequence of batches per epoch. {@link InMemoryDataset} is the usual one
 * (mini-batches of samples held in Java arrays); a full-batch graph or a generated task can implement it
 * directly.
 *
 * <p>Contract: each {@link Batch} owns its arrays through its own manager (a sub-manager of the one
 * passed in), and the caller closes every batch after use, which frees them. The epoch index lets a
 * source reshuffle deterministically.
 */
public interface BatchSource {

    /**
     * @param manager parent of the per-batch managers
     * @param epoch   0-based epoch index, for seeded shuffling
     * @return the batches of that epoch, in order
     */
    Iterable<Batch> batches(NDManager manager, int epoch);

    /** @return number of batches per epoch (for progress display) */
    int batchCount();

    /** @return the shapes of the model inputs of one batch, for parameter initialisation */
    Shape[] inputShapes();

    /**
     * The usual way to implement {@link #batches}: {@code count} batches made on demand, in order.
     *
     * @param count   number of batches
     * @param batchAt makes batch {@code b} (0-based); called once per batch, in increasing order
     */
    /**
     * A seeded Fisher-Yates shuffle of {@code 0..n-1}: the order in which a source visits its examples in one
     * epoch (the same seed gives the same order).
     */
    static int[] permutation(int n, java.util.SplittableRandom rnd) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    static Iterable<Batch> generate(int count, java.util.function.IntFunction<Batch> batchAt) {
        return () -> new java.util.Iterator<>() {
            private int b;

            @Override
            public boolean hasNext() {
                return b < count;
            }

            @Override
            public Batch next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return batchAt.apply(b++);
            }
        };
    }
}
