package org.nnzoo.train;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

/**
 * Training images with light data augmentation: every time an image is drawn it is translated by a
 * random whole number of pixels, {@code dx, dy} uniform in {@code [-maxShift, maxShift]}, the uncovered
 * border filled with 0 (background). A digit moved by a pixel or two is the same digit, so the network
 * sees a "new" image each epoch and learns translation tolerance instead of pixel positions; on MNIST this
 * is the classic cheap regulariser (Y. LeCun et al., "Gradient-based learning applied to document
 * recognition", Proc. IEEE 1998, section on distortions; P. Simard, D. Steinkraus, J. Platt, ICDAR 2003).
 *
 * <p>Deterministic: epoch {@code e} uses the same permutation as {@link InMemoryDataset} with the same seed
 * and draws its shifts from {@code seed} and {@code e}, so a run is reproducible. Each batch's arrays live
 * in their own sub-manager, freed when the training loop closes the batch. Images are shaped
 * {@code (C, rows, cols)}, the set's {@code shape()} (every channel of an image gets the same shift), labels are
 * class indices.
 */
public final class RandomShifts implements BatchSource {

    private final float[] pixels;
    private final float[] labels;
    private final int channels;
    private final int rows;
    private final int cols;
    private final int count;
    private final int maxShift;
    private final InMemoryDataset order;
    private final long seed;

    /**
     * @param images    the training images, pixels in [0, 1]
     * @param maxShift  largest translation in pixels along each axis (0 = no augmentation)
     * @param batchSize samples per batch
     * @param seed      seed of the shuffling and of the shifts
     */
    public RandomShifts(org.nnzoo.data.ImageSet images, int maxShift, int batchSize, long seed) {
        if (images == null || images.count() == 0) {
            throw new IllegalArgumentException("images must be a non-empty image set");
        }
        if (maxShift < 0 || maxShift >= Math.min(images.rows(), images.cols())) {
            throw new IllegalArgumentException("maxShift must be in [0, " + (Math.min(images.rows(), images.cols()) - 1)
                    + "] pixels for " + images.rows() + "x" + images.cols() + " images, got " + maxShift);
        }
        this.order = InMemoryDataset.of(images, batchSize, true, seed);
        this.pixels = images.pixels();
        int[] y = images.labels();
        this.labels = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = y[i];
        }
        this.channels = images.channels();
        this.rows = images.rows();
        this.cols = images.cols();
        this.count = y.length;
        this.maxShift = maxShift;
        this.seed = seed;
    }

    /**
     * Writes image {@code src} (at {@code srcOffset} in {@code from}) moved by {@code dx} columns right and
     * {@code dy} rows down into {@code to} at {@code dstOffset}; pixels moved in from outside are 0.
     */
    public static void shift(float[] from, int srcOffset, int rows, int cols, int dx, int dy, float[] to, int dstOffset) {
        java.util.Arrays.fill(to, dstOffset, dstOffset + rows * cols, 0f);
        int c0 = Math.max(0, dx);
        int c1 = Math.min(cols, cols + dx);
        if (c1 <= c0) {
            return;
        }
        for (int r = Math.max(0, dy); r < Math.min(rows, rows + dy); r++) {
            System.arraycopy(from, srcOffset + (r - dy) * cols + (c0 - dx), to, dstOffset + r * cols + c0, c1 - c0);
        }
    }

    @Override
    public Iterable<Batch> batches(NDManager manager, int epoch) {
        int[] perm = order.order(epoch);
        int batchSize = order.batchSize();
        int plane = rows * cols;
        int size = channels * plane;
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + epoch);
        int[] dx = new int[count];
        int[] dy = new int[count];
        for (int i = 0; i < count; i++) {
            dx[i] = rnd.nextInt(-maxShift, maxShift + 1);
            dy[i] = rnd.nextInt(-maxShift, maxShift + 1);
        }
        return BatchSource.generate(batchCount(), b -> {
            int first = b * batchSize;
            int n = Math.min(batchSize, count - first);
            float[] x = new float[n * size];
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                int k = first + i;
                for (int c = 0; c < channels; c++) {
                    shift(pixels, perm[k] * size + c * plane, rows, cols, dx[k], dy[k], x, i * size + c * plane);
                }
                y[i] = labels[perm[k]];
            }
            NDManager bm = manager.newSubManager();
            NDList data = new NDList(bm.create(FloatBuffer.wrap(x), new Shape(n, channels, rows, cols)));
            NDList lab = new NDList(bm.create(FloatBuffer.wrap(y), new Shape(n)));
            return new Batch(bm, data, lab, n, Batchifier.STACK, Batchifier.STACK, b, batchCount());
        });
    }

    @Override
    public int batchCount() {
        return order.batchCount();
    }

    @Override
    public Shape[] inputShapes() {
        return order.inputShapes();
    }
}
