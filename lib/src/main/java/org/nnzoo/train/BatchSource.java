package org.nnzoo.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

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

    /**
     * The usual way to implement {@link #batches}: {@code count} batches made on demand, in order.
     *
     * @param count   number of batches
     * @param batchAt makes batch {@code b} (0-based); called once per batch, in increasing order
     */
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

    /**
     * Fills one batch of a generated sequence-to-sequence task: three row-major {@code (batchSize, length)}
     * arrays, the source, the teacher-forced decoder input and the target.
     */
    @FunctionalInterface
    interface PairFiller {
        /**
         * @param batch        0-based batch index in the epoch (batches are filled in increasing order)
         * @param source       to fill: the encoder input
         * @param decoderInput to fill: the begin symbol, then the target shifted right by one
         * @param target       to fill: what the decoder must predict
         */
        void fill(int batch, float[] source, float[] decoderInput, float[] target);
    }

    /**
     * A generated sequence-to-sequence task (the pointer network's sorting, the Transformer's reversal):
     * {@code batches} batches per epoch with inputs (source, decoder input) and label target, all
     * {@code (batchSize, length)}.
     *
     * @param perEpoch gives the filler of epoch {@code e} (where a task makes its seeded random source per epoch)
     */
    static BatchSource sequencePairs(int batches, int batchSize, int length,
                                     java.util.function.IntFunction<PairFiller> perEpoch) {
        if (batches < 1 || batchSize < 1 || length < 1) {
            throw new IllegalArgumentException("need batches, batchSize and length >= 1; got " + batches + ", "
                    + batchSize + ", " + length);
        }
        Shape shape = new Shape(batchSize, length);
        return new BatchSource() {
            @Override
            public Iterable<Batch> batches(NDManager manager, int epoch) {
                PairFiller filler = perEpoch.apply(epoch);
                return generate(batches, b -> {
                    int n = batchSize * length;
                    float[] src = new float[n];
                    float[] dec = new float[n];
                    float[] y = new float[n];
                    filler.fill(b, src, dec, y);
                    NDManager bm = manager.newSubManager();
                    return new Batch(bm, new NDList(bm.create(src, shape), bm.create(dec, shape)),
                            new NDList(bm.create(y, shape)), batchSize,
                            Batchifier.STACK, Batchifier.STACK, b, batches);
                });
            }

            @Override
            public int batchCount() {
                return batches;
            }

            @Override
            public Shape[] inputShapes() {
                return new Shape[] {shape, shape};
            }
        };
    }
}
