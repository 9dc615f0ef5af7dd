package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.translate.Batchifier;
import org.nnzoo.train.BatchSource;

/**
 * Denoising diffusion probabilistic model: a fixed forward process adds Gaussian noise to an image over
 * {@code T} steps until nothing is left but noise; a network ({@link UNet}) learns to predict the noise that was
 * added, and running the process backwards from pure noise generates new images.
 *
 * <p>J. Sohl-Dickstein et al., "Deep unsupervised learning using nonequilibrium thermodynamics", ICML 2015;
 * J. Ho, A. Jain, P. Abbeel, "Denoising diffusion probabilistic models", NeurIPS 2020 (the linear schedule
 * {@code beta_1 = 1e-4 .. beta_T = 0.02}, the epsilon-prediction loss, ancestral sampling); A. Nichol,
 * P. Dhariwal, "Improved denoising diffusion probabilistic models", ICML 2021 (the cosine schedule);
 * J. Song, C. Meng, S. Ermon, "Denoising diffusion implicit models", ICLR 2021 (DDIM: deterministic sampling
 * with a subsequence of the steps); T. Salimans, J. Ho, "Progressive distillation for fast sampling of diffusion
 * models", ICLR 2022 (v-prediction, {@link Prediction#V}); T. Hang et al., "Efficient diffusion training via Min-SNR
 * weighting strategy", ICCV 2023 ({@link #minSnrWeight}).
 *
 * <pre>
 * forward:   q(x_t | x_0) = N(sqrt(abar_t) x_0, (1 - abar_t) I),   abar_t = prod_{s<=t} (1 - beta_s)
 * training:  L = E_{x_0, t, eps} || eps - eps_theta(sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, t) ||^2   (or v, see Prediction)
 * sampling:  x_{t-1} = 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - abar_t) eps_theta(x_t, t)) + sigma_t z
 * </pre>
 * Steps are indexed {@code 0 .. T-1} here ({@code t = 0} is the paper's {@code t = 1}). Images are scaled from
 * pixels in [0, 1] to [-1, 1] ({@link #toModelScale}) before noise is added.
 */
public final class Ddpm {

    /** Which noise schedule. */
    public enum Schedule {
        /** {@code beta_t} linear from 1e-4 to 0.02 (Ho et al. 2020). */
        LINEAR,
        /** {@code abar_t = cos^2(((t/T + s)/(1 + s)) pi/2)} normalised, {@code s = 0.008}, betas clipped at 0.999 (Nichol and Dhariwal 2021). */
        COSINE
    }

    /**
     * What the network predicts (T. Salimans, J. Ho, "Progressive distillation for fast sampling of diffusion
     * models", ICLR 2022). With {@code x_t = a x_0 + s eps} ({@code a = sqrt(abar_t)}, {@code s = sqrt(1 - abar_t)}):
     */
    public enum Prediction {
        /** the noise {@code eps} (Ho et al. 2020); {@code x_0 = (x_t - s eps)/a} amplifies errors where {@code a -> 0}. */
        EPSILON,
        /** the velocity {@code v = a eps - s x_0}; {@code x_0 = a x_t - s v}, {@code eps = s x_t + a v}: well defined at every noise level. */
        V
    }

    private final int steps;
    private final Schedule schedule;
    private final Prediction prediction;
    private final double[] beta;
    private final double[] alpha;
    private final double[] alphaBar;

    /**
     * @param steps    number of diffusion steps {@code T} (1000 in the papers)
     * @param schedule the noise schedule
     */
    public Ddpm(int steps, Schedule schedule) {
        this(steps, schedule, Prediction.EPSILON);
    }

    /**
     * @param steps      number of diffusion steps {@code T} (1000 in the papers)
     * @param schedule   the noise schedule
     * @param prediction what the network is trained to predict ({@link Prediction#EPSILON} as in Ho et al.)
     */
    public Ddpm(int steps, Schedule schedule, Prediction prediction) {
        if (prediction == null) {
            throw new IllegalArgumentException("prediction must be EPSILON or V, got null");
        }
        this.prediction = prediction;
        if (steps <= 0) {
            throw new IllegalArgumentException("steps (T) must be positive, got " + steps + "; the papers use T = 1000");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must be LINEAR or COSINE, got null");
        }
        this.steps = steps;
        this.schedule = schedule;
        beta = new double[steps];
        if (schedule == Schedule.LINEAR) {
            // Ho et al.'s 1e-4..0.02 is for T = 1000; scale it for other T so that abar_T stays about the same
            double scale = 1000.0 / steps;
            double lo = 1e-4 * scale;
            double hi = Math.min(0.02 * scale, 0.999);
            for (int t = 0; t < steps; t++) {
                beta[t] = steps == 1 ? hi : lo + (hi - lo) * t / (steps - 1);
            }
        } else {
            double s = 0.008;
            for (int t = 0; t < steps; t++) {
                double a0 = cosineAbar(t, steps, s);
                double a1 = cosineAbar(t + 1, steps, s);
                beta[t] = Math.min(1 - a1 / a0, 0.999);
            }
        }
        alpha = new double[steps];
        alphaBar = new double[steps];
        double prod = 1;
        for (int t = 0; t < steps; t++) {
            alpha[t] = 1 - beta[t];
            prod *= alpha[t];
            alphaBar[t] = prod;
        }
    }

    private static double cosineAbar(int t, int steps, double s) {
        double f = Math.cos(((t / (double) steps + s) / (1 + s)) * Math.PI / 2);
        double f0 = Math.cos((s / (1 + s)) * Math.PI / 2);
        return (f * f) / (f0 * f0);
    }

    /** @return {@code T} */
    public int steps() {
        return steps;
    }

    /** @return the schedule */
    public Schedule schedule() {
        return schedule;
    }

    /** @return what the network predicts */
    public Prediction prediction() {
        return prediction;
    }

    /** @return a copy of {@code beta_t}, t = 0..T-1 */
    public double[] betas() {
        return beta.clone();
    }

    /** @return a copy of {@code abar_t = prod_{s<=t} (1 - beta_s)}, t = 0..T-1 */
    public double[] alphaBars() {
        return alphaBar.clone();
    }

    private void checkStep(int t) {
        if (t < 0 || t >= steps) {
            throw new IllegalArgumentException("time step " + t + " is outside 0.." + (steps - 1) + " (T = " + steps + ")");
        }
    }

    /** @return pixels in [0, 1] mapped to [-1, 1] ({@code 2p - 1}), a new array */
    public static float[] toModelScale(float[] pixels) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = 2 * pixels[i] - 1;
        }
        return out;
    }

    /** @return values in [-1, 1] mapped back to pixels, clipped to [0, 1], a new array */
    public static float[] toPixels(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0f, Math.min(1f, (x[i] + 1) / 2));
        }
        return out;
    }

    /**
     * Samples the forward process in closed form: {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}.
     *
     * @param x0    clean images {@code (N, ...)}, in [-1, 1]
     * @param t     one step per image, integers in {@code 0..T-1}, shape {@code (N)}
     * @param noise {@code eps ~ N(0, I)}, the shape of {@code x0}
     * @return {@code x_t}, in the manager of {@code x0}
     */
    public NDArray qSample(NDArray x0, int[] t, NDArray noise) {
        Shape s = x0.getShape();
        if (s.dimension() < 1 || s.get(0) != t.length) {
            throw new IllegalArgumentException("x0 has shape " + s + " but " + t.length + " time steps were given: one per image");
        }
        if (!noise.getShape().equals(s)) {
            throw new IllegalArgumentException("noise has shape " + noise.getShape() + ", x0 " + s + ": they must match");
        }
        float[] a = new float[t.length];
        float[] b = new float[t.length];
        for (int i = 0; i < t.length; i++) {
            checkStep(t[i]);
            a[i] = (float) Math.sqrt(alphaBar[t[i]]);
            b[i] = (float) Math.sqrt(1 - alphaBar[t[i]]);
        }
        long[] bshape = new long[s.dimension()];
        java.util.Arrays.fill(bshape, 1);
        bshape[0] = t.length;
        NDManager m = x0.getManager();
        return x0.mul(m.create(a).reshape(new Shape(bshape))).add(noise.mul(m.create(b).reshape(new Shape(bshape))));
    }

    /** The same as {@link #qSample(NDArray, int[], NDArray)} on Java arrays: {@code x0} and {@code noise} hold {@code t.length} images of {@code size} values. */
    public void qSample(float[] x0, int[] t, float[] noise, float[] out, int size) {
        for (int i = 0; i < t.length; i++) {
            checkStep(t[i]);
            float a = (float) Math.sqrt(alphaBar[t[i]]);
            float b = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int j = i * size; j < (i + 1) * size; j++) {
                out[j] = a * x0[j] + b * noise[j];
            }
        }
    }

    /** @return the simplified loss of Ho et al.: mean squared error between the true and the predicted noise */
    public static Loss epsilonLoss() {
        return Loss.l2Loss("eps_mse", 1f); // DJL 0.35's L2Loss is weight * mean(diff^2) (its default weight is 1/2): weight 1 is the plain MSE
    }

    /**
     * The loss for {@link #trainingData(float[], int, long, double)}: per image the mean squared error between
     * target and prediction, times the image's weight (the second label), averaged over the batch. Without a
     * second label it is the plain mean squared error ({@link #epsilonLoss()}).
     */
    public static Loss weightedLoss() {
        return new Loss("weighted_mse") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                NDArray d = predictions.head().sub(labels.head());
                NDArray perImage = d.mul(d).reshape(d.getShape().get(0), -1).mean(new int[] {1});
                if (labels.size() > 1) {
                    perImage = perImage.mul(labels.get(1));
                }
                return perImage.mean();
            }
        };
    }

    /**
     * The signal-to-noise ratio {@code SNR_t = abar_t / (1 - abar_t)} of step {@code t}.
     */
    public double snr(int t) {
        checkStep(t);
        return alphaBar[t] / (1 - alphaBar[t]);
    }

    /**
     * Min-SNR-gamma loss weight of step {@code t} (T. Hang et al., "Efficient diffusion training via Min-SNR
     * weighting strategy", ICCV 2023): the loss on {@code x_0} is weighted by {@code min(SNR_t, gamma)}, so the
     * nearly clean steps (large SNR), which are easy and dominate the gradient, stop crowding out the noisy ones.
     * Expressed for this model's prediction target: {@code min(SNR, gamma)/SNR} for {@code eps}, {@code
     * min(SNR, gamma)/(SNR + 1)} for {@code v}. {@code gamma = +infinity} gives 1 for {@code eps} (plain loss).
     */
    public double minSnrWeight(int t, double gamma) {
        if (!(gamma > 0)) {
            throw new IllegalArgumentException("gamma must be positive (Hang et al. use 5), got " + gamma);
        }
        double snr = snr(t);
        double w = Math.min(snr, gamma);
        return prediction == Prediction.EPSILON ? w / snr : w / (snr + 1);
    }

    /**
     * The network's training target for {@code x_t = a x_0 + s eps}: {@code eps}, or {@code v = a eps - s x_0}.
     */
    void target(float[] x0, int[] t, float[] eps, float[] out, int size) {
        if (prediction == Prediction.EPSILON) {
            System.arraycopy(eps, 0, out, 0, t.length * size);
            return;
        }
        for (int i = 0; i < t.length; i++) {
            float a = (float) Math.sqrt(alphaBar[t[i]]);
            float b = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int j = i * size; j < (i + 1) * size; j++) {
                out[j] = a * eps[j] - b * x0[j];
            }
        }
    }

    /**
     * Training data for {@code Fit}: each batch takes images in a seeded shuffled order, draws a step
     * {@code t ~ U{0..T-1}} and {@code eps ~ N(0, I)} per image from a generator seeded by (seed, epoch, batch),
     * and gives inputs {@code NDList(x_t, t)} and label {@code eps} (or {@code v}, see {@link Prediction}).
     * Train with {@link #epsilonLoss()} (the plain mean squared error).
     *
     * @param pixels    28x28 images, pixels in [0, 1], 784 values each (scaled to [-1, 1] here)
     * @param batchSize images per batch
     * @param seed      seed of the order, the steps and the noise
     */
    public BatchSource trainingData(float[] pixels, int batchSize, long seed) {
        return trainingData(pixels, batchSize, seed, Double.NaN);
    }

    /**
     * As {@link #trainingData(float[], int, long)}, with a second label: each image's Min-SNR-gamma weight
     * ({@link #minSnrWeight}). Train with {@link #weightedLoss()}.
     *
     * @param minSnrGamma gamma of the Min-SNR weighting (5 in Hang et al.); NaN for no weight label
     */
    public BatchSource trainingData(float[] pixels, int batchSize, long seed, double minSnrGamma) {
        return trainingData(pixels, null, 0, 0, batchSize, seed, minSnrGamma);
    }

    /**
     * Training data for a class-conditional network ({@link UNet#UNet(int, int, int)}): inputs
     * {@code NDList(x_t, t, y)}, where {@code y} is the image's label, replaced by "no label" ({@code classes}) with
     * probability {@code dropLabel}, so that the same network also learns the unconditional model that
     * classifier-free guidance needs (Ho and Salimans use 0.1 to 0.2).
     *
     * @param labels    one class per image, in {@code 0..classes-1}
     * @param classes   number of classes
     * @param dropLabel probability of training an image without its label, in [0, 1)
     */
    public BatchSource trainingData(float[] pixels, int[] labels, int classes, double dropLabel, int batchSize, long seed) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null for class-conditional training data; use trainingData(pixels, batchSize, seed) without labels");
        }
        return trainingData(pixels, labels, classes, dropLabel, batchSize, seed, Double.NaN);
    }

    private BatchSource trainingData(float[] pixels, int[] labels, int classes, double dropLabel, int batchSize, long seed,
            double minSnrGamma) {
        if (pixels == null || pixels.length == 0 || pixels.length % 784 != 0) {
            throw new IllegalArgumentException("pixels has " + (pixels == null ? "no" : pixels.length) + " values, not a whole number of 28x28 images (784 each)");
        }
        float[] images = toModelScale(pixels);
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        boolean weighted = !Double.isNaN(minSnrGamma);
        if (weighted) {
            minSnrWeight(0, minSnrGamma); // checks gamma
        }
        int count = images.length / 784;
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
        int batches = (count + batchSize - 1) / batchSize;
        return new BatchSource() {
            @Override
            public Iterable<Batch> batches(NDManager manager, int epoch) {
                int[] order = BatchSource.permutation(count, new SplittableRandom(seed * 31 + epoch));
                return BatchSource.generate(batches, b -> {
                    int first = b * batchSize;
                    int n = Math.min(batchSize, count - first);
                    Random rnd = new Random(seed * 1_000_003L + epoch * 100_003L + b);
                    float[] x0 = new float[n * 784];
                    float[] eps = new float[n * 784];
                    float[] xt = new float[n * 784];
                    int[] t = new int[n];
                    float[] tf = new float[n];
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(images, order[first + i] * 784, x0, i * 784, 784);
                        t[i] = rnd.nextInt(steps);
                        tf[i] = t[i];
                    }
                    for (int j = 0; j < eps.length; j++) {
                        eps[j] = (float) rnd.nextGaussian();
                    }
                    qSample(x0, t, eps, xt, 784);
                    float[] target = new float[n * 784];
                    target(x0, t, eps, target, 784);
                    NDManager bm = manager.newSubManager();
                    Shape img = new Shape(n, 1, 28, 28);
                    NDList data = new NDList(bm.create(xt, img), bm.create(tf));
                    if (labels != null) {
                        Random drop = new Random(seed * 7_000_003L + epoch * 70_001L + b); // its own stream: same x_t, t as unlabelled
                        float[] y = new float[n];
                        for (int i = 0; i < n; i++) {
                            y[i] = drop.nextDouble() < dropLabel ? classes : labels[order[first + i]];
                        }
                        data.add(bm.create(y));
                    }
                    NDList labels = new NDList(bm.create(target, img));
                    if (weighted) {
                        float[] w = new float[n];
                        for (int i = 0; i < n; i++) {
                            w[i] = (float) minSnrWeight(t[i], minSnrGamma);
                        }
                        labels.add(bm.create(w));
                    }
                    return new Batch(bm, data, labels, n, Batchifier.STACK, Batchifier.STACK, b, batches);
                });
            }

            @Override
            public int batchCount() {
                return batches;
            }

            @Override
            public Shape[] inputShapes() {
                return labels == null ? new Shape[] {new Shape(batchSize, 1, 28, 28), new Shape(batchSize)}
                        : new Shape[] {new Shape(batchSize, 1, 28, 28), new Shape(batchSize), new Shape(batchSize)};
            }
        };
    }


    /** How to run the reverse process. */
    public static final class Sampler {
        private final Ddpm ddpm;
        private int[] timesteps;
        private boolean ddim;
        private double eta;
        private int batchSize = 250;
        private long seed = 7;
        private int[] recordAt = new int[0];
        private IntConsumer onBatch;
        private int classes;
        private int[] labels;
        private double guidance;

        private Sampler(Ddpm ddpm) {
            this.ddpm = ddpm;
            this.timesteps = new int[ddpm.steps];
            for (int i = 0; i < ddpm.steps; i++) {
                timesteps[i] = ddpm.steps - 1 - i;
            }
        }

        /** DDIM (Song et al. 2021) with {@code k} evenly spaced steps and {@code eta = 0} (deterministic). */
        public Sampler ddim(int k) {
            return ddim(k, 0);
        }

        /**
         * DDIM with {@code k} evenly spaced steps out of {@code T}; {@code eta = 0} deterministic, {@code eta = 1}
         * the DDPM variance.
         */
        public Sampler ddim(int k, double eta) {
            if (k < 1 || k > ddpm.steps) {
                throw new IllegalArgumentException("DDIM steps must be in 1.." + ddpm.steps + " (T), got " + k);
            }
            if (eta < 0) {
                throw new IllegalArgumentException("eta must be >= 0, got " + eta);
            }
            int[] ts = new int[k];
            for (int i = 0; i < k; i++) { // from T-1 down to 0
                ts[i] = (int) Math.round((ddpm.steps - 1) * (1 - i / (double) Math.max(1, k - 1)));
            }
            if (k == 1) {
                ts[0] = ddpm.steps - 1;
            }
            this.timesteps = ts;
            this.ddim = true;
            this.eta = eta;
            return this;
        }

        /**
         * Generates with a class-conditional network ({@link UNet#UNet(int, int, int)}): image {@code i} of
         * {@link #sample} gets {@code labels[i % labels.length]}, a class in {@code 0..classes-1}, or
         * {@code classes} for "no label" (the unconditional model).
         */
        public Sampler labels(int classes, int... labels) {
            if (classes < 1) {
                throw new IllegalArgumentException("classes must be positive, got " + classes);
            }
            if (labels == null || labels.length == 0) {
                throw new IllegalArgumentException("give at least one label (0.." + classes + ", " + classes + " = no label)");
            }
            for (int y : labels) {
                if (y < 0 || y > classes) {
                    throw new IllegalArgumentException("label " + y + " is outside 0.." + classes + " (" + classes + " = no label)");
                }
            }
            this.classes = classes;
            this.labels = labels.clone();
            return this;
        }

        /**
         * Classifier-free guidance of weight {@code w} (Ho and Salimans 2022): at each step the network runs with the
         * label and without it, and the sampler follows {@code (1 + w) out(x_t, t, y) - w out(x_t, t)}; {@code w = 0}
         * is plain conditional sampling, larger {@code w} gives more typical, less varied images. Needs
         * {@link #labels}; costs two network evaluations per step.
         */
        public Sampler guidance(double w) {
            if (!(w >= 0)) {
                throw new IllegalArgumentException("guidance weight must be >= 0, got " + w);
            }
            this.guidance = w;
            return this;
        }

        /** Images generated at once (memory vs speed). */
        public Sampler batchSize(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("batchSize must be positive, got " + n);
            }
            this.batchSize = n;
            return this;
        }

        /** Seed of the starting noise {@code x_T} and of the noise added at each step. */
        public Sampler seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * Keeps the images after these reverse steps (counted 1.. number of steps; the starting noise is step 0),
         * for a trajectory {@code x_T -> x_0}; read them with {@link Result#trajectory()}.
         */
        public Sampler record(int... afterSteps) {
            for (int a : afterSteps) {
                if (a < 0 || a > timesteps.length) {
                    throw new IllegalArgumentException("record step " + a + " is outside 0.." + timesteps.length);
                }
            }
            this.recordAt = afterSteps.clone();
            return this;
        }

        /** Called with the number of images done after each batch (for progress). */
        public Sampler onBatch(IntConsumer callback) {
            this.onBatch = callback;
            return this;
        }

        /** @return number of network evaluations per image */
        public int networkCalls() {
            return timesteps.length;
        }

        /**
         * Generates {@code n} images with a trained noise predictor.
         *
         * @param model a model whose block takes {@code NDList(x_t, t)}, or {@code NDList(x_t, t, y)} when
         *              {@link #labels} are given, and predicts what this model was trained to predict
         *              ({@link Ddpm#prediction()}: the noise or {@code v}; a {@link UNet})
         * @param n     number of images
         */
        public Result sample(Model model, int n) {
            if (model == null || model.getBlock() == null) {
                throw new IllegalArgumentException("model must hold a trained noise predictor (model.setBlock(new UNet(..)) and train it)");
            }
            if (n < 1) {
                throw new IllegalArgumentException("n must be positive, got " + n);
            }
            Block net = model.getBlock();
            if (guidance > 0 && labels == null) {
                throw new IllegalArgumentException("guidance needs labels: call labels(classes, ...) first");
            }
            float[] out = new float[n * 784];
            List<float[]> traj = new ArrayList<>();
            for (int r = 0; r < recordAt.length; r++) {
                traj.add(new float[n * 784]);
            }
            for (int start = 0; start < n; start += batchSize) {
                int m = Math.min(batchSize, n - start);
                Random rnd = new Random(seed * 1_000_003L + start);
                float[] x = new float[m * 784];
                for (int j = 0; j < x.length; j++) {
                    x[j] = (float) rnd.nextGaussian();
                }
                record(0, x, traj, start);
                for (int k = 0; k < timesteps.length; k++) {
                    int t = timesteps[k];
                    float[] eps;
                    try (NDManager sm = model.getNDManager().newSubManager()) {
                        eps = predict(net, sm, x, t, m, start);
                    }
                    ddpm.toEpsilon(x, eps, t);
                    int prev = k + 1 < timesteps.length ? timesteps[k + 1] : -1;
                    x = ddim ? ddpm.ddimStep(x, eps, t, prev, eta, rnd) : ddpm.ancestralStep(x, eps, t, rnd);
                    record(k + 1, x, traj, start);
                }
                System.arraycopy(x, 0, out, start * 784, x.length);
                if (onBatch != null) {
                    onBatch.accept(start + m);
                }
            }
            List<float[]> pixTraj = new ArrayList<>();
            for (float[] f : traj) {
                pixTraj.add(toPixels(f));
            }
            return new Result(toPixels(out), pixTraj, recordAt.clone(), timesteps.length);
        }

        /** The network's output for a batch of {@code m} images at step {@code t}, guided if asked to. */
        private float[] predict(Block net, NDManager sm, float[] x, int t, int m, int start) {
            boolean guided = labels != null && guidance > 0;
            int rows = guided ? 2 * m : m;
            float[] tf = new float[rows];
            java.util.Arrays.fill(tf, t);
            float[] xs = guided ? java.util.Arrays.copyOf(x, 2 * x.length) : x;
            if (guided) {
                System.arraycopy(x, 0, xs, x.length, x.length);
            }
            NDList in = new NDList(sm.create(xs, new Shape(rows, 1, 28, 28)), sm.create(tf));
            if (labels != null) {
                float[] y = new float[rows];
                for (int i = 0; i < m; i++) {
                    y[i] = labels[(start + i) % labels.length];
                }
                for (int i = m; i < rows; i++) {
                    y[i] = classes; // the unconditional half
                }
                in.add(sm.create(y));
            }
            float[] o = net.forward(new ParameterStore(sm, false), in, false).head().toFloatArray();
            if (!guided) {
                return o;
            }
            float[] mixed = new float[m * 784];
            float w = (float) guidance;
            for (int j = 0; j < mixed.length; j++) {
                mixed[j] = (1 + w) * o[j] - w * o[j + mixed.length];
            }
            return mixed;
        }

        private void record(int step, float[] x, List<float[]> traj, int start) {
            for (int r = 0; r < recordAt.length; r++) {
                if (recordAt[r] == step) {
                    System.arraycopy(x, 0, traj.get(r), start * 784, x.length);
                }
            }
        }
    }

    /** Generated images. */
    public record Result(float[] pixels, List<float[]> trajectoryImages, int[] recordedSteps, int networkCalls) {
        /** @return the recorded intermediate images, in the order of {@link #recordedSteps}, pixels in [0, 1] */
        public List<float[]> trajectory() {
            return trajectoryImages;
        }
    }

    /** @return a sampler with the full ancestral (DDPM) reverse process, {@code T} network calls per image */
    public Sampler sampler() {
        return new Sampler(this);
    }

    /** Turns the network's output at step {@code t} into the predicted noise, in place ({@code eps = s x_t + a v}). */
    void toEpsilon(float[] x, float[] out, int t) {
        if (prediction == Prediction.EPSILON) {
            return;
        }
        float a = (float) Math.sqrt(alphaBar[t]);
        float b = (float) Math.sqrt(1 - alphaBar[t]);
        for (int j = 0; j < out.length; j++) {
            out[j] = b * x[j] + a * out[j];
        }
    }

    /**
     * One ancestral step (Ho et al. 2020, with the predicted {@code x_0} clipped to [-1, 1] as in their code):
     * {@code x0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)}, then {@code x_{t-1}} from the posterior
     * {@code q(x_{t-1} | x_t, x0)} with variance {@code beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t)}.
     * Without clipping the mean is {@code 1/sqrt(alpha_t) (x_t - beta_t/sqrt(1 - abar_t) eps)}.
     */
    float[] ancestralStep(float[] x, float[] eps, int t, Random rnd) {
        double ab = alphaBar[t];
        double abPrev = t > 0 ? alphaBar[t - 1] : 1.0;
        double c0 = Math.sqrt(abPrev) * beta[t] / (1 - ab);
        double ct = Math.sqrt(alpha[t]) * (1 - abPrev) / (1 - ab);
        double sigma = t > 0 ? Math.sqrt(beta[t] * (1 - abPrev) / (1 - ab)) : 0;
        double sa = Math.sqrt(ab);
        double sb = Math.sqrt(1 - ab);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double x0 = Math.max(-1, Math.min(1, (x[j] - sb * eps[j]) / sa));
            double mean = c0 * x0 + ct * x[j];
            out[j] = (float) (mean + (sigma > 0 ? sigma * rnd.nextGaussian() : 0));
        }
        return out;
    }

    /**
     * One DDIM step from {@code t} to {@code prev} (-1 = the end): {@code x0} as above (clipped), {@code eps}
     * recomputed from it, {@code x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - s^2) eps + s z} with
     * {@code s = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev)}.
     */
    float[] ddimStep(float[] x, float[] eps, int t, int prev, double eta, Random rnd) {
        double ab = alphaBar[t];
        double abPrev = prev >= 0 ? alphaBar[prev] : 1.0;
        double s = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(Math.max(0, 1 - ab / abPrev));
        double dir = Math.sqrt(Math.max(0, 1 - abPrev - s * s));
        double sa = Math.sqrt(ab);
        double sb = Math.sqrt(1 - ab);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double x0 = Math.max(-1, Math.min(1, (x[j] - sb * eps[j]) / sa));
            double e = (x[j] - sa * x0) / sb;
            out[j] = (float) (Math.sqrt(abPrev) * x0 + dir * e + (s > 0 ? s * rnd.nextGaussian() : 0));
        }
        return out;
    }
}
