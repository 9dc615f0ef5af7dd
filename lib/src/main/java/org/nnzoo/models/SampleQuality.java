package org.nnzoo.models;

import java.nio.FloatBuffer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.ImageShape;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;

/**
 * How good are generated digits? A sample-quality score for image generators, computed with a LeNet
 * ({@link LeNet}) trained on the labelled real images (MNIST in chapters 11 and 12):
 * <ul>
 *   <li><b>Frechet distance</b> between the Gaussians fitted to the 84 penultimate-layer features of real and of
 *   generated images, {@code |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)} (M. Heusel et al., "GANs
 *   trained by a two time-scale update rule converge to a local Nash equilibrium", NeurIPS 2017: the FID, there
 *   with Inception-v3 features; here LeNet's, so the numbers are only comparable within this project). Lower is
 *   better; 0 for identical distributions.</li>
 *   <li>an <b>inception-score analogue</b> {@code exp(E_x KL(p(y|x) || p(y)))} (T. Salimans et al., "Improved
 *   techniques for training GANs", NeurIPS 2016), from 1 to the number of classes (10 for digits): high when each image is confidently one digit and
 *   all digits occur; plus the mean entropy of {@code p(y|x)} and the mean top probability.</li>
 *   <li>the <b>class histogram</b> of the classifier's predictions: mode collapse shows as a skewed histogram.</li>
 * </ul>
 * The Frechet distance depends on the number of images (it is biased upwards for small sets): compare only sets
 * of equal size, and report real-vs-real (training vs test images) of that size as the floor.
 *
 * <p>Image shape: the scorer takes the {@link ImageShape} {@code (C, H, W)} and the classes of the labelled set it
 * is trained on ({@link #train}), not a fixed 28x28. Nothing in the scores is MNIST-specific: the Frechet distance
 * is taken on the features of a classifier trained on the real images, the inception-like score on its class
 * probabilities, and LeNet reads any number of channels and any size from 12x12 up ({@link LeNet#requireFits}), so a
 * 3x32x32 generator is scored by a LeNet trained on its 3x32x32 labelled images. What is specific is the meaning of
 * the numbers: they are comparable only between generators scored by the same scorer (same training set, epochs
 * and seed), as in chapters 11 and 12. Images of another shape than the scorer's are rejected with a message.
 */
public final class SampleQuality {

    private final Model model;
    private final ImageShape image;
    private final int classes;
    private final double trainSeconds;
    private final double testAccuracy;

    private SampleQuality(Model model, ImageShape image, int classes, double trainSeconds, double testAccuracy) {
        this.model = model;
        this.image = image;
        this.classes = classes;
        this.trainSeconds = trainSeconds;
        this.testAccuracy = testAccuracy;
    }

    /**
     * Trains the scoring LeNet (ReLU, max-pooling) deterministically: Adam 1e-3, batch 128, seed 7.
     *
     * @param train  labelled training images (e.g. MNIST digits); the scorer takes their shape and classes
     * @param test   labelled test images of the same shape (to report the scorer's accuracy)
     * @param epochs passes over {@code train} (1-2 give about 98-99 %)
     */
    public static SampleQuality train(ImageSet train, ImageSet test, int epochs) {
        if (train == null || test == null) {
            throw new IllegalArgumentException("need a training and a test image set (e.g. Mnist.digits().train())");
        }
        ImageShape image = LeNet.requireFits(train.shape());
        if (!test.shape().equals(image)) {
            throw new IllegalArgumentException("the test images are " + test.shape() + ", the training images " + image + ": they must match");
        }
        int classes = train.classNames().length;
        Model model = Model.newInstance("quality-lenet");
        model.setBlock(LeNet.build(LeNet.Variant.MODERN, classes));
        InMemoryDataset data = InMemoryDataset.of(train, 128, true, 7);
        long t0 = System.nanoTime();
        History h = Fit.of(model, data).loss(Loss.softmaxCrossEntropyLoss())
                .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
                .epochs(epochs).seed(7).accuracy(true).title("LeNet scorer").run();
        double secs = (System.nanoTime() - t0) / 1e9;
        SampleQuality q = new SampleQuality(model, image, classes, secs, Double.NaN);
        int[] pred = q.predict(test.pixels());
        int ok = 0;
        for (int i = 0; i < pred.length; i++) {
            ok += pred[i] == test.label(i) ? 1 : 0;
        }
        return new SampleQuality(model, image, classes, secs, ok / (double) pred.length);
    }

    /** @return the shape of the images the scorer reads, that of its training set */
    public ImageShape imageShape() {
        return image;
    }

    /** @return seconds the scorer trained */
    public double trainSeconds() {
        return trainSeconds;
    }

    /** @return the scorer's accuracy on the test set given to {@link #train} */
    public double testAccuracy() {
        return testAccuracy;
    }

    /** @return the 84 penultimate LeNet features of each image, {@code [n][84]}; {@link #imageShape()} images, pixels in [0, 1] */
    public double[][] features(float[] pixels) {
        return run(LeNet.features(model.getBlock()), pixels, LeNet.FEATURES);
    }

    /** @return the class probabilities {@code p(y|x)} of each image, {@code [n][classes]} ({@code [n][10]} for digits) */
    public double[][] probabilities(float[] pixels) {
        double[][] logits = run(model.getBlock(), pixels, classes);
        for (double[] l : logits) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : l) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < l.length; k++) {
                l[k] = Math.exp(l[k] - max);
                sum += l[k];
            }
            for (int k = 0; k < l.length; k++) {
                l[k] /= sum;
            }
        }
        return logits;
    }

    /** @return the predicted class (digit) of each image */
    public int[] predict(float[] pixels) {
        double[][] p = probabilities(pixels);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int k = 1; k < p[i].length; k++) {
                if (p[i][k] > p[i][best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private double[][] run(Block block, float[] pixels, int width) {
        int n = image.count(pixels, "pixels (in [0, 1], as the scorer's training images)");
        int size = image.size();
        double[][] out = new double[n][width];
        for (int start = 0; start < n; start += 1000) {
            int m = Math.min(1000, n - start);
            try (NDManager bm = model.getNDManager().newSubManager()) {
                NDArray x = bm.create(FloatBuffer.wrap(pixels, start * size, m * size), new Shape(image.batch(m)));
                float[] y = block.forward(new ParameterStore(bm, false), new NDList(x), false).head().toFloatArray();
                for (int i = 0; i < m; i++) {
                    for (int k = 0; k < width; k++) {
                        out[start + i][k] = y[i * width + k];
                    }
                }
            }
        }
        return out;
    }

    /** The scores of one image set. */
    public record Report(int images, double frechet, double inceptionScore, double meanEntropy,
                         double meanConfidence, int[] histogram) {
        /** @return the share of the most frequent predicted class: 0.1 for balanced digits, 1 for total mode collapse */
        public double largestClassShare() {
            int max = 0;
            for (int c : histogram) {
                max = Math.max(max, c);
            }
            return max / (double) images;
        }
    }

    /**
     * Scores generated (or real) images against reference images.
     *
     * @param reference real images, e.g. MNIST test digits
     * @param candidate the images to score, ideally as many as {@code reference}
     */
    public Report score(float[] reference, float[] candidate) {
        double fd = frechet(features(reference), features(candidate));
        double[][] p = probabilities(candidate);
        int k = p[0].length;
        double[] marginal = new double[k];
        int[] hist = new int[k];
        double entropy = 0;
        double confidence = 0;
        for (double[] row : p) {
            int best = 0;
            for (int c = 0; c < k; c++) {
                marginal[c] += row[c] / p.length;
                entropy -= row[c] > 0 ? row[c] * Math.log(row[c]) : 0;
                if (row[c] > row[best]) {
                    best = c;
                }
            }
            hist[best]++;
            confidence += row[best];
        }
        double kl = 0;
        for (double[] row : p) {
            for (int c = 0; c < k; c++) {
                kl += row[c] > 0 ? row[c] * (Math.log(row[c]) - Math.log(marginal[c])) : 0;
            }
        }
        return new Report(p.length, fd, Math.exp(kl / p.length), entropy / p.length, confidence / p.length, hist);
    }

    /**
     * The Frechet distance between Gaussians fitted to two sets of feature vectors:
     * {@code |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2)}. The matrix square roots come from
     * symmetric eigendecompositions (Apache Commons Math); {@code S1^1/2 S2 S1^1/2} is symmetric positive
     * semi-definite, so its square root's trace is the sum of the square roots of its eigenvalues, and it equals
     * {@code tr((S1 S2)^1/2)}.
     *
     * @param a {@code [n][d]}, at least 2 rows
     * @param b {@code [m][d]}, at least 2 rows, same {@code d}
     */
    public static double frechet(double[][] a, double[][] b) {
        if (a.length < 2 || b.length < 2) {
            throw new IllegalArgumentException("need at least 2 feature vectors per set, got " + a.length + " and " + b.length);
        }
        int d = a[0].length;
        if (b[0].length != d) {
            throw new IllegalArgumentException("feature sizes differ: " + d + " and " + b[0].length);
        }
        double[] mu1 = mean(a);
        double[] mu2 = mean(b);
        return frechet(mu1, covariance(a, mu1), mu2, covariance(b, mu2));
    }

    /** @return the Frechet distance between {@code N(mu1, cov1)} and {@code N(mu2, cov2)} */
    static double frechet(double[] mu1, double[][] cov1, double[] mu2, double[][] cov2) {
        int d = mu1.length;
        RealMatrix s1 = new Array2DRowRealMatrix(cov1, false);
        RealMatrix s2 = new Array2DRowRealMatrix(cov2, false);
        double diff = 0;
        for (int j = 0; j < d; j++) {
            diff += (mu1[j] - mu2[j]) * (mu1[j] - mu2[j]);
        }
        RealMatrix root1 = sqrtPsd(s1);
        RealMatrix m = root1.multiply(s2).multiply(root1);
        m = m.add(m.transpose()).scalarMultiply(0.5); // symmetric up to rounding
        double traceRoot = 0;
        for (double ev : new EigenDecomposition(m).getRealEigenvalues()) {
            traceRoot += Math.sqrt(Math.max(0, ev));
        }
        return Math.max(0, diff + s1.getTrace() + s2.getTrace() - 2 * traceRoot);
    }

    /** @return the symmetric square root of a symmetric positive semi-definite matrix (negative rounding noise clipped) */
    static RealMatrix sqrtPsd(RealMatrix s) {
        EigenDecomposition e = new EigenDecomposition(s);
        RealMatrix v = e.getV();
        double[] ev = e.getRealEigenvalues();
        int d = ev.length;
        double[][] scaled = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                scaled[i][j] = v.getEntry(i, j) * Math.sqrt(Math.max(0, ev[j]));
            }
        }
        return new Array2DRowRealMatrix(scaled, false).multiply(v.transpose());
    }

    private static double[] mean(double[][] x) {
        double[] mu = new double[x[0].length];
        for (double[] row : x) {
            for (int j = 0; j < mu.length; j++) {
                mu[j] += row[j] / x.length;
            }
        }
        return mu;
    }

    private static double[][] covariance(double[][] x, double[] mu) {
        int d = mu.length;
        double[][] c = new double[d][d];
        for (double[] row : x) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - mu[i];
                for (int j = i; j < d; j++) {
                    c[i][j] += di * (row[j] - mu[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= x.length - 1;
                c[j][i] = c[i][j];
            }
        }
        return c;
    }
}
