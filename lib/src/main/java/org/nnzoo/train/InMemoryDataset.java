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
     * Images with their class labels, each sample shaped {@code (1, rows, cols)} (one channel).
     *
     * @param images an MNIST-style image set, pixels in [0, 1]
     */
    public static InMemoryDataset of(org.nnzoo.data.ImageSet images, int batchSize, boolean shuffle, long seed) {
        return classification(images.pixels(), new Shape(1, images.rows(), images.cols()), images.labels(),
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
        // one staging buffer per pass, reused by every batch: the batch is gathered into it and copied once into
        // PyTorch's own memory (no direct-buffer allocation per batch, which left the freeing to the GC)
        int most = Math.min(batchSize, count);
        ByteBuffer xStage = ByteBuffer.allocateDirect(most * sampleSize * Float.BYTES).order(ByteOrder.nativeOrder());
        ByteBuffer yStage = ByteBuffer.allocateDirect(Math.max(1, most * labelSize) * Float.BYTES)
                .order(ByteOrder.nativeOrder());
        return BatchSource.generate(batchCount(), b -> {
            int first = b * batchSize;
            int n = Math.min(batchSize, count - first);
            FloatBuffer x = xStage.clear().asFloatBuffer();
            FloatBuffer y = yStage.clear().asFloatBuffer();
            for (int i = 0; i < n; i++) {
                int s = order[first + i];
                x.put(features, s * sampleSize, sampleSize);
                y.put(labels, s * labelSize, labelSize);
            }
            NDManager bm = manager.newSubManager();
            NDList data = new NDList(owned(bm, xStage, n * sampleSize, new Shape(n).addAll(sampleShape)));
            NDList lab = new NDList(owned(bm, yStage, n * labelSize, new Shape(n).addAll(labelShape)));
            return new Batch(bm, data, lab, n, Batchifier.STACK, Batchifier.STACK, b, batchCount());
        });
    }

    /** @return a copy, in PyTorch-owned memory of {@code bm}, of the first {@code values} floats of {@code stage} */
    private static NDArray owned(NDManager bm, ByteBuffer stage, int values, Shape shape) {
        ByteBuffer view = stage.duplicate().order(ByteOrder.nativeOrder());
        view.position(0).limit(values * Float.BYTES);
        try (NDArray wrapped = bm.create(view.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32)) {
            return wrapped.duplicate(); // the wrapper points into the staging buffer; the copy does not
        }
    }

    @Override
    public void prepare(Progress progress) {
        // already in memory
    }
}
