package org.nnzoo.models;

import java.util.Arrays;
import java.util.Random;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import org.nnzoo.data.ImageShape;
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
 * This file is the model, in the paper's order: the forward process {@link #qSample}; the training target and
 * loss ({@link #target}, {@link #epsilonLoss}, {@link #weightedLoss}); one step of the reverse process
 * ({@link #ancestralStep}, {@link #ddimStep}). Around it: {@link NoiseSchedule} (the {@code beta_t},
 * {@code alpha_t}, {@code abar_t}), {@link DdpmTrainingData} (the batches {@code (x_t, t) -> eps}),
 * {@link DdpmSampler} (the loop from {@code x_T} to {@code x_0}: ancestral, DDIM, classifier-free guidance).
 * Steps are indexed {@code 0 .. T-1} here ({@code t = 0} is the paper's {@code t = 1}). Images are scaled from
 * pixels in [0, 1] to [-1, 1] ({@link #toModelScale}) before noise is added.
 */
public final class Ddpm {

    /** Which noise schedule ({@link NoiseSchedule}). */
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

    private final Schedule schedule;
    private final Prediction prediction;
    private final NoiseSchedule noiseSchedule;
    private final double[] beta;      // beta_t
    private final double[] alpha;     // alpha_t = 1 - beta_t
    private final double[] alphaBar;  // abar_t = prod_{s<=t} alpha_s

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
        if (schedule == null) {
            throw new IllegalArgumentException("schedule must be LINEAR or COSINE, got null");
        }
        this.schedule = schedule;
        this.prediction = prediction;
        this.noiseSchedule = schedule == Schedule.LINEAR ? NoiseSchedule.linear(steps) : NoiseSchedule.cosine(steps);
        this.beta = noiseSchedule.betas();
        this.alpha = noiseSchedule.alphas();
        this.alphaBar = noiseSchedule.alphaBars();
    }

    /** @return {@code T} */
    public int steps() {
        return beta.length;
    }

    /** @return the schedule */
    public Schedule schedule() {
        return schedule;
    }

    /** @return what the network predicts */
    public Prediction prediction() {
        return prediction;
    }

    /** @return the {@code beta_t}, {@code alpha_t}, {@code abar_t} of this model */
    public NoiseSchedule noiseSchedule() {
        return noiseSchedule;
    }

    /** @return a copy of {@code beta_t}, t = 0..T-1 */
    public double[] betas() {
        return beta.clone();
    }

    /** @return a copy of {@code abar_t = prod_{s<=t} (1 - beta_s)}, t = 0..T-1 */
    public double[] alphaBars() {
        return alphaBar.clone();
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

    // ---------------------------------------------------------------- the forward process q(x_t | x_0)

    /**
     * Samples the forward process in closed form (Ho et al., eq. 4): {@code x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps}.
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
            a[i] = (float) Math.sqrt(alphaBar[t[i]]);      // sqrt(abar_t)
            b[i] = (float) Math.sqrt(1 - alphaBar[t[i]]);  // sqrt(1 - abar_t)
        }
        long[] bshape = new long[s.dimension()];
        Arrays.fill(bshape, 1);
        bshape[0] = t.length;
        NDManager m = x0.getManager();
        return x0.mul(m.create(a).reshape(new Shape(bshape))).add(noise.mul(m.create(b).reshape(new Shape(bshape))));
    }

    /** The same as {@link #qSample(NDArray, int[], NDArray)} on Java arrays: {@code x0} and {@code noise} hold {@code t.length} images of {@code size} values. */
    public void qSample(float[] x0, int[] t, float[] noise, float[] out, int size) {
        // excerpt-begin: q-sample
        for (int i = 0; i < t.length; i++) {
            checkStep(t[i]);
            float a = (float) Math.sqrt(alphaBar[t[i]]);
            float b = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int j = i * size; j < (i + 1) * size; j++) {
                out[j] = a * x0[j] + b * noise[j];              // x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps
            }
        }
        // excerpt-end: q-sample
    }

    // ---------------------------------------------------------------- training: target and loss

    /**
     * The network's training target for {@code x_t = a x_0 + s eps} ({@code a = sqrt(abar_t)}, {@code s = sqrt(1 - abar_t)}):
     * {@code eps}, or {@code v = a eps - s x_0}; images of {@code size} values, one step per image.
     */
    public void target(float[] x0, int[] t, float[] eps, float[] out, int size) {
        // excerpt-begin: target
        if (prediction == Prediction.EPSILON) {
            System.arraycopy(eps, 0, out, 0, t.length * size); // the target is the noise itself
            return;
        }
        for (int i = 0; i < t.length; i++) {
            float a = (float) Math.sqrt(alphaBar[t[i]]);
            float b = (float) Math.sqrt(1 - alphaBar[t[i]]);
            for (int j = i * size; j < (i + 1) * size; j++) {
                out[j] = a * eps[j] - b * x0[j];                 // v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0
            }
        }
        // excerpt-end: target
    }

    /** @return the simplified loss of Ho et al. (eq. 14): mean squared error between the true and the predicted noise */
    public static Loss epsilonLoss() {
        return Loss.l2Loss("eps_mse", 1f); // DJL 0.35's L2Loss is weight * mean(diff^2) (its default weight is 1/2): weight 1 is the plain MSE
    }

    /**
     * The loss for {@link #trainingData(ImageShape, float[], int, long, double)}: per image the mean squared error between
     * target and prediction, times the image's weight (the second label), averaged over the batch. Without a
     * second label it is the plain mean squared error ({@link #epsilonLoss()}).
     */
    public static Loss weightedLoss() {
        return new Loss("weighted_mse") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                // excerpt-begin: loss
                NDArray d = predictions.head().sub(labels.head());
                NDArray perImage = d.mul(d).reshape(d.getShape().get(0), -1).mean(new int[] {1}); // ||target - out||^2 / size
                if (labels.size() > 1) {
                    perImage = perImage.mul(labels.get(1));                                      // times w_t
                }
                return perImage.mean();
                // excerpt-end: loss
            }
        };
    }

    /** The signal-to-noise ratio {@code SNR_t = abar_t / (1 - abar_t)} of step {@code t}. */
    public double snr(int t) {
        return noiseSchedule.snr(t);
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
     * Training data for {@code Fit} ({@link DdpmTrainingData}): each batch takes images in a seeded shuffled
     * order, draws a step {@code t ~ U{0..T-1}} and {@code eps ~ N(0, I)} per image, and gives inputs
     * {@code NDList(x_t, t)} and label {@code eps} (or {@code v}, see {@link Prediction}). Train with
     * {@link #epsilonLoss()} (the plain mean squared error).
     *
     * @param image     the shape of the images, e.g. {@link ImageShape#MNIST}; batches are {@code (N, C, H, W)}
     * @param pixels    the images one after another, {@code image.size()} values each, in [0, 1] (scaled to [-1, 1] here)
     * @param batchSize images per batch
     * @param seed      seed of the order, the steps and the noise
     */
    public BatchSource trainingData(ImageShape image, float[] pixels, int batchSize, long seed) {
        return trainingData(image, pixels, batchSize, seed, Double.NaN);
    }

    /**
     * As {@link #trainingData(ImageShape, float[], int, long)}, with a second label: each image's Min-SNR-gamma
     * weight ({@link #minSnrWeight}). Train with {@link #weightedLoss()}.
     *
     * @param minSnrGamma gamma of the Min-SNR weighting (5 in Hang et al.); NaN for no weight label
     */
    public BatchSource trainingData(ImageShape image, float[] pixels, int batchSize, long seed, double minSnrGamma) {
        return new DdpmTrainingData(this, image, pixels, null, 0, 0, batchSize, seed, minSnrGamma);
    }

    /**
     * Training data for a class-conditional network ({@link UNet#UNet(ImageShape, int, int, int)}): inputs
     * {@code NDList(x_t, t, y)}, where {@code y} is the image's label, replaced by "no label" ({@code classes}) with
     * probability {@code dropLabel}, so that the same network also learns the unconditional model that
     * classifier-free guidance needs (Ho and Salimans use 0.1 to 0.2).
     *
     * @param labels    one class per image, in {@code 0..classes-1}
     * @param classes   number of classes
     * @param dropLabel probability of training an image without its label, in [0, 1)
     */
    public BatchSource trainingData(ImageShape image, float[] pixels, int[] labels, int classes, double dropLabel, int batchSize,
            long seed) {
        if (labels == null) {
            throw new IllegalArgumentException("labels must not be null for class-conditional training data; use trainingData(image, pixels, batchSize, seed) without labels");
        }
        return new DdpmTrainingData(this, image, pixels, labels, classes, dropLabel, batchSize, seed, Double.NaN);
    }

    // ---------------------------------------------------------------- the reverse process p(x_{t-1} | x_t)

    /**
     * Turns the network's output at step {@code t} into the predicted noise, in place: nothing to do for
     * {@link Prediction#EPSILON}; {@code eps = s x_t + a v} for {@link Prediction#V}.
     */
    public void toEpsilon(float[] x, float[] out, int t) {
        if (prediction == Prediction.EPSILON) {
            return;
        }
        float a = (float) Math.sqrt(alphaBar[t]);
        float b = (float) Math.sqrt(1 - alphaBar[t]);
        for (int j = 0; j < out.length; j++) {
            out[j] = b * x[j] + a * out[j];                      // eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v
        }
    }

    /**
     * One ancestral step (Ho et al. 2020, with the predicted {@code x_0} clipped to [-1, 1] as in their code):
     * {@code x0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)}, then {@code x_{t-1}} from the posterior
     * {@code q(x_{t-1} | x_t, x0)} (eq. 6-7) with variance {@code beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t)}.
     * Without clipping the mean is {@code 1/sqrt(alpha_t) (x_t - beta_t/sqrt(1 - abar_t) eps)}.
     *
     * @param x   {@code x_t}, in model scale
     * @param eps the predicted noise {@code eps_theta(x_t, t)}, as long as {@code x}
     * @param t   the step, {@code 0..T-1}
     * @param rnd the source of {@code z ~ N(0, I)}
     * @return {@code x_{t-1}} (for {@code t = 0}: the generated image, no noise added)
     */
    public float[] ancestralStep(float[] x, float[] eps, int t, Random rnd) {
        checkStep(x, eps, t);
        // excerpt-begin: ancestral-step
        double ab = alphaBar[t];
        double abPrev = t > 0 ? alphaBar[t - 1] : 1.0;
        double c0 = Math.sqrt(abPrev) * beta[t] / (1 - ab);                      // mu~ = c0 x_0 + ct x_t (eq. 7)
        double ct = Math.sqrt(alpha[t]) * (1 - abPrev) / (1 - ab);
        double sigma = t > 0 ? Math.sqrt(beta[t] * (1 - abPrev) / (1 - ab)) : 0; // sigma_t = sqrt(beta~_t)
        double sa = Math.sqrt(ab);
        double sb = Math.sqrt(1 - ab);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double x0 = Math.max(-1, Math.min(1, (x[j] - sb * eps[j]) / sa));         // x_0 = (x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t)
            double mean = c0 * x0 + ct * x[j];
            out[j] = (float) (mean + (sigma > 0 ? sigma * rnd.nextGaussian() : 0));   // x_{t-1} = mu~ + sigma_t z
        }
        return out;
        // excerpt-end: ancestral-step
    }

    /**
     * One DDIM step from {@code t} to {@code prev} (Song et al. 2021, eq. 12; -1 = the end): {@code x0} as above
     * (clipped), {@code eps} recomputed from it, {@code x_prev = sqrt(abar_prev) x0 + sqrt(1 - abar_prev - s^2) eps + s z}
     * with {@code s = eta sqrt((1 - abar_prev)/(1 - abar_t)) sqrt(1 - abar_t/abar_prev)}.
     *
     * @param prev the next step of the subsequence, {@code -1..t-1}
     * @param eta  0: deterministic; 1: the variance of the ancestral step
     */
    public float[] ddimStep(float[] x, float[] eps, int t, int prev, double eta, Random rnd) {
        checkStep(x, eps, t);
        if (prev < -1 || prev >= t) {
            throw new IllegalArgumentException("DDIM goes from step " + t + " to an earlier one, -1.." + (t - 1) + " (-1 = the end), got " + prev);
        }
        double ab = alphaBar[t];
        double abPrev = prev >= 0 ? alphaBar[prev] : 1.0;
        double s = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(Math.max(0, 1 - ab / abPrev)); // sigma_t(eta)
        double dir = Math.sqrt(Math.max(0, 1 - abPrev - s * s));                                       // sqrt(1 - abar_prev - sigma^2)
        double sa = Math.sqrt(ab);
        double sb = Math.sqrt(1 - ab);
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double x0 = Math.max(-1, Math.min(1, (x[j] - sb * eps[j]) / sa));  // predicted x_0, clipped
            double e = (x[j] - sa * x0) / sb;                                     // the noise that x_0 implies
            out[j] = (float) (Math.sqrt(abPrev) * x0 + dir * e + (s > 0 ? s * rnd.nextGaussian() : 0));
        }
        return out;
    }

    private void checkStep(int t) {
        noiseSchedule.checkStep(t);
    }

    private void checkStep(float[] x, float[] eps, int t) {
        checkStep(t);
        if (x.length != eps.length) {
            throw new IllegalArgumentException("x_t has " + x.length + " values but eps " + eps.length + ": they must match");
        }
    }

    /**
     * @param image the shape of the images to generate, the one the network was trained on
     * @return a sampler with the full ancestral (DDPM) reverse process, {@code T} network calls per image
     */
    public DdpmSampler sampler(ImageShape image) {
        return new DdpmSampler(this, image);
    }
}
