package org.nnzoo.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;

/**
 * A DJL {@link Dataset} over samples held in plain Java arrays, with seeded shuffling and cheap batching.
 *
 * <p>Each batch is gathered into one reused direct buffer and copied once into one NDArray per input/label, in a
 * fresh sub-manager of the manager passed to {@link #getData}; closing the {@link Batch} (the training
 * loop does) frees its native memory. This avoids DJL's per-sample {@code ArrayDataset} batchifier,
 * which costs one NDArray per sample.
 *
 * <p>Shuffling: epoch {@code e} uses the permutation drawn from {@code seed + e}; so the order is the
 * same on every run with the same seed, and differs between epochs.
 */
public final class InMemoryDataset implements Dataset, BatchSource {

    private final float[] features;
    private final Shape sampleShape;
    private final int sampleSize;
    private final float[] labels;
    private final Shape labelShape;
    private final int labelSize;
    private final int count;
    private final int batchSize;
    private final boolean shuffle;
    private final long seed;
    private int epoch;

    private InMemoryDataset(float[] features, Shape sampleShape, float[] labels, Shape labelShape,
                            int batchSize, boolean shuffle, long seed) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.sampleSize = Math.toIntExact(sampleShape.size());
        this.labelSize = Math.toIntExact(labelShape.size());
        if (sampleSize <= 0 || features.length % sampleSize != 0) {
            throw new IllegalArgumentException("features has " + features.length
                    + " values, not a multiple of the sample shape " + sampleShape + " (" + sampleSize + " values)");
        }
        this.count = features.length / sampleSize;
        if (labels.length != (long) count * labelSize) {
            throw new IllegalArgumentException("labels has " + labels.length + " values but " + count
                    + " samples of label shape " + labelShape + " need " + (long) count * labelSize);
        }
        this.features = features;
        this.sampleShape = sampleShape;
        this.labels = labels;
        this.labelShape = labelShape;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.seed = seed;
    }

    /**
     * A classification set: one integer class label per sample (stored as float, as DJL's losses expect).
     *
     * @param features    all samples, flattened, sample after sample
     * @param sampleShape shape of one sample, e.g. {@code new Shape(784)} or {@code new Shape(1, 28, 28)}
     * @param classes     class index of each sample
     */
    public static InMemoryDataset classification(float[] features, Shape sampleShape, int[] classes,
                                                 int batchSize, boolean shuffle, long seed) {
        float[] y = new float[classes.length];
        for (int i = 0; i < classes.length; i++) {
            y[i] = classes[i];
        }
        return new InMemoryDataset(features, sampleShape, y, new Shape(), batchSize, shuffle, seed);
    }

    /**
     * Images with their class labels, each sample shaped {@code (C, H, W)}, the set's {@code shape()}.
     *
     * @param images an image set such as an MNIST split, pixels in [0, 1]
     */
    public static InMemoryDataset of(org.nnzoo.data.ImageSet images, int batchSize, boolean shuffle, long seed) {
        org.nnzoo.data.ImageShape s = images.shape();
        return classification(images.pixels(), new Shape(s.channels(), s.height(), s.width()), images.labels(),
                batchSize, shuffle, seed);
    }

    /** A set whose labels are arrays too (regression, reconstruction): {@code labelShape} per sample. */
    public static InMemoryDataset of(float[] features, Shape sampleShape, float[] labels, Shape labelShape,
                                     int batchSize, boolean shuffle, long seed) {
        return new InMemoryDataset(features, sampleShape, labels, labelShape, batchSize, shuffle, seed);
    }

    /** @return number of samples */
    public int size() {
        return count;
    }

    /** @return samples per batch (the last batch may be smaller) */
    public int batchSize() {
        return batchSize;
    }

    /** @return number of batches per epoch */
    @Override
    public int batchCount() {
        return (count + batchSize - 1) / batchSize;
    }

    /** @return shape of one sample */
    public Shape sampleShape() {
        return sampleShape;
    }

    /** @return the batch shape {@code (batchSize, sampleShape...)}, for {@code Trainer.initialize} */
    public Shape batchShape() {
        return new Shape(batchSize).addAll(sampleShape);
    }

    /** Sets the epoch whose permutation the next {@link #getData} uses. */
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    @Override
    public Iterable<Batch> batches(NDManager manager, int epochIndex) {
        return iterate(manager, epochIndex);
    }

    @Override
    public Shape[] inputShapes() {
        return new Shape[] {batchShape()};
    }

    /** @return the sample order of the given epoch */
    public int[] order(int epochIndex) {
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        if (shuffle) {
            SplittableRandom rnd = new SplittableRandom(seed + epochIndex);
            for (int i = count - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        return idx;
    }

    @Override
    public Iterable<Batch> getData(NDManager manager) {
        return iterate(manager, epoch);
    }

    private Iterable<Batch> iterate(NDManager manager, int epochIndex) {
        final int[] order = order(epochIndex);
        return BatchSource.generate(batchCount(), b -> {
            int first = b * batchSize;
            int n = Math.min(batchSize, count - first);
            NDManager bm = manager.newSubManager();
            NDArray xa = bm.create(new Shape(n).addAll(sampleShape), DataType.FLOAT32);
            NDArray ya = bm.create(new Shape(n).addAll(labelShape), DataType.FLOAT32);
            FloatBuffer x = direct(xa, n * sampleSize);
            FloatBuffer y = direct(ya, n * labelSize);
            for (int i = 0; i < n; i++) {
                int s = order[first + i];
                x.put(features, s * sampleSize, sampleSize);
                y.put(labels, s * labelSize, labelSize);
            }
            return new Batch(bm, new NDList(xa), new NDList(ya), n, Batchifier.STACK, Batchifier.STACK, b, batchCount());
        });
    }

    /**
     * @return a view of the memory of the new, uninitialised array {@code a} (PyTorch's own, freed with the array),
     *     so that the batch is gathered straight into it: no staging buffer, no copy (a copy of a large batch is an
     *     OpenMP parallel region, which costs more than it saves when the threads wait passively)
     */
    private static FloatBuffer direct(NDArray a, int values) {
        if (values == 0) {
            return FloatBuffer.allocate(0); // nothing to gather (a zero-sized sample or label shape)
        }
        ByteBuffer view = a.toByteBuffer(true);
        if (!view.isDirect() || view.capacity() != values * Float.BYTES) {
            throw new IllegalStateException("expected a direct view of " + values + " floats, got " + view);
        }
        return view.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void prepare(Progress progress) {
        // already in memory
    }
}
