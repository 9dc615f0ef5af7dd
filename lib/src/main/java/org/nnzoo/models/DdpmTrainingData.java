package org.nnzoo.models;

import java.util.Random;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;
import org.nnzoo.data.ImageShape;
import org.nnzoo.train.BatchSource;

/**
 * The training batches of a {@link Ddpm} (made by {@link Ddpm#trainingData}): each batch takes images in a seeded
 * shuffled order, draws a step {@code t ~ U{0..T-1}} and {@code eps ~ N(0, I)} per image from a generator seeded by
 * (seed, epoch, batch), and gives inputs {@code NDList(x_t, t)} (plus the label {@code y} for a class-conditional
 * network) and label {@code eps} or {@code v} (plus the Min-SNR weight if asked for), images shaped
 * {@code (N, C, H, W)}. Each batch's arrays live in
 * their own sub-manager, freed when the training loop closes the batch.
 */
final class DdpmTrainingData implements BatchSource {

    private final Ddpm ddpm;
    private final ImageShape image;
    private final int size;
    private final float[] images;
    private final int count;
    private final int[] labels;
    private final int classes;
    private final double dropLabel;
    private final int batchSize;
    private final long seed;
    private final double minSnrGamma;
    private final boolean weighted;
    private final int batches;

    DdpmTrainingData(Ddpm ddpm, ImageShape image, float[] pixels, int[] labels, int classes, double dropLabel, int batchSize,
            long seed, double minSnrGamma) {
        ImageShape.required(image);
        this.count = image.count(pixels, "pixels");
        this.ddpm = ddpm;
        this.image = image;
        this.size = image.size();
        this.images = Ddpm.toModelScale(pixels);
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.weighted = !Double.isNaN(minSnrGamma);
        if (weighted) {
            ddpm.minSnrWeight(0, minSnrGamma); // checks gamma
        }
        if (labels != null) {
            if (labels.length != count) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries for " + count + " images");
            }
            if (classes < 1) {
                throw new IllegalArgumentException("classes must be positive, got " + classes);
            }
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside 0.." + (classes - 1));
                }
            }
            if (!(dropLabel >= 0 && dropLabel < 1)) {
                throw new IllegalArgumentException("dropLabel must be in [0, 1), got " + dropLabel);
            }
        }
        this.labels = labels;
        this.classes = classes;
        this.dropLabel = dropLabel;
        this.batchSize = batchSize;
        this.seed = seed;
        this.minSnrGamma = minSnrGamma;
        this.batches = (count + batchSize - 1) / batchSize;
    }

    @Override
    public Iterable<Batch> batches(NDManager manager, int epoch) {
        int[] order = BatchSource.permutation(count, new SplittableRandom(seed * 31 + epoch));
        return BatchSource.generate(batches, b -> batch(manager, epoch, b, order));
    }

    private Batch batch(NDManager manager, int epoch, int b, int[] order) {
        int first = b * batchSize;
        int n = Math.min(batchSize, count - first);
        Random rnd = new Random(seed * 1_000_003L + epoch * 100_003L + b);
        float[] x0 = new float[n * size];
        float[] eps = new float[n * size];
        float[] xt = new float[n * size];
        int[] t = new int[n];
        float[] tf = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images, order[first + i] * size, x0, i * size, size);
            t[i] = rnd.nextInt(ddpm.steps());                 // t ~ U{0..T-1}
            tf[i] = t[i];
        }
        for (int j = 0; j < eps.length; j++) {
            eps[j] = (float) rnd.nextGaussian();              // eps ~ N(0, I)
        }
        ddpm.qSample(x0, t, eps, xt, size);                   // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
        float[] target = new float[n * size];
        ddpm.target(x0, t, eps, target, size);                // eps, or v
        NDManager bm = manager.newSubManager();
        Shape img = new Shape(image.batch(n));
        NDList data = new NDList(bm.create(xt, img), bm.create(tf));
        if (labels != null) {
            Random drop = new Random(seed * 7_000_003L + epoch * 70_001L + b); // its own stream: same x_t, t as unlabelled
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = drop.nextDouble() < dropLabel ? classes : labels[order[first + i]];
            }
            data.add(bm.create(y));
        }
        NDList label = new NDList(bm.create(target, img));
        if (weighted) {
            float[] w = new float[n];
            for (int i = 0; i < n; i++) {
                w[i] = (float) ddpm.minSnrWeight(t[i], minSnrGamma);
            }
            label.add(bm.create(w));
        }
        return new Batch(bm, data, label, n, Batchifier.STACK, Batchifier.STACK, b, batches);
    }

    @Override
    public int batchCount() {
        return batches;
    }

    @Override
    public Shape[] inputShapes() {
        Shape x = new Shape(image.batch(batchSize));
        return labels == null ? new Shape[] {x, new Shape(batchSize)} : new Shape[] {x, new Shape(batchSize), new Shape(batchSize)};
    }
}
