package org.nnzoo.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.nnzoo.data.ImageShape;
import org.nnzoo.train.Interrupt;

/**
 * Runs a {@link Ddpm}'s reverse process with a trained network, from {@code x_T ~ N(0, I)} down to {@code x_0}
 * (made by {@link Ddpm#sampler(ImageShape)}), images of a given shape {@code (C, H, W)}:
 * <pre>
 * x = x_T ~ N(0, I)
 * for t in the steps (T-1 .. 0, or a DDIM subsequence):
 *     out = network(x, t[, y])                            (guided: (1 + w) out(x, t, y) - w out(x, t))
 *     eps = Ddpm.toEpsilon(x, out, t)
 *     x   = Ddpm.ancestralStep(x, eps, t)  or  Ddpm.ddimStep(x, eps, t, next, eta)
 * </pre>
 * Ancestral sampling (Ho et al. 2020) takes all {@code T} steps; DDIM ({@link #ddim}; J. Song, C. Meng, S. Ermon,
 * ICLR 2021) a subsequence; classifier-free guidance ({@link #guidance}; J. Ho, T. Salimans, 2022) mixes the
 * network's conditional and unconditional outputs. Images are made in batches of {@link #batchSize}, the arrays
 * of each network call in a sub-manager closed after it; a batch's random numbers come from a generator seeded by
 * ({@link #seed}, its first image), so the same seed and batch size give the same images.
 */
public final class DdpmSampler {
    private final Ddpm ddpm;
    private final ImageShape image;
    private final int size;
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

    DdpmSampler(Ddpm ddpm, ImageShape image) {
        ImageShape.required(image);
        this.ddpm = ddpm;
        this.image = image;
        this.size = image.size();
        this.timesteps = new int[ddpm.steps()];
        for (int i = 0; i < ddpm.steps(); i++) {
            timesteps[i] = ddpm.steps() - 1 - i;
        }
    }

    /** DDIM (Song et al. 2021) with {@code k} evenly spaced steps and {@code eta = 0} (deterministic). */
    public DdpmSampler ddim(int k) {
        return ddim(k, 0);
    }

    /**
     * DDIM with {@code k} evenly spaced steps out of {@code T}; {@code eta = 0} deterministic, {@code eta = 1}
     * the DDPM variance.
     */
    public DdpmSampler ddim(int k, double eta) {
        int steps = ddpm.steps();
        if (k < 1 || k > steps) {
            throw new IllegalArgumentException("DDIM steps must be in 1.." + steps + " (T), got " + k);
        }
        if (eta < 0) {
            throw new IllegalArgumentException("eta must be >= 0, got " + eta);
        }
        int[] ts = new int[k];
        for (int i = 0; i < k; i++) { // from T-1 down to 0
            ts[i] = (int) Math.round((steps - 1) * (1 - i / (double) Math.max(1, k - 1)));
        }
        if (k == 1) {
            ts[0] = steps - 1;
        }
        this.timesteps = ts;
        this.ddim = true;
        this.eta = eta;
        return this;
    }

    /**
     * Generates with a class-conditional network ({@link UNet#UNet(ImageShape, int, int, int)}): image {@code i} of
     * {@link #sample} gets {@code labels[i % labels.length]}, a class in {@code 0..classes-1}, or
     * {@code classes} for "no label" (the unconditional model).
     */
    public DdpmSampler labels(int classes, int... labels) {
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
    public DdpmSampler guidance(double w) {
        if (!(w >= 0)) {
            throw new IllegalArgumentException("guidance weight must be >= 0, got " + w);
        }
        this.guidance = w;
        return this;
    }

    /** Images generated at once (memory vs speed). */
    public DdpmSampler batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + n);
        }
        this.batchSize = n;
        return this;
    }

    /** Seed of the starting noise {@code x_T} and of the noise added at each step. */
    public DdpmSampler seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * Keeps the images after these reverse steps (counted 1.. number of steps; the starting noise is step 0),
     * for a trajectory {@code x_T -> x_0}; read them with {@link Result#trajectory()}.
     */
    public DdpmSampler record(int... afterSteps) {
        for (int a : afterSteps) {
            if (a < 0 || a > timesteps.length) {
                throw new IllegalArgumentException("record step " + a + " is outside 0.." + timesteps.length);
            }
        }
        this.recordAt = afterSteps.clone();
        return this;
    }

    /** Called with the number of images done after each batch (for progress). */
    public DdpmSampler onBatch(IntConsumer callback) {
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
     * @return the images, {@code image.size()} values each, pixels in [0, 1]
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
        float[] out = new float[n * size];
        List<float[]> traj = new ArrayList<>();
        for (int r = 0; r < recordAt.length; r++) {
            traj.add(new float[n * size]);
        }
        for (int start = 0; start < n; start += batchSize) {
            int m = Math.min(batchSize, n - start);
            Random rnd = new Random(seed * 1_000_003L + start);
            float[] x = new float[m * size];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) rnd.nextGaussian();                   // x_T ~ N(0, I)
            }
            record(0, x, traj, start);
            for (int k = 0; k < timesteps.length; k++) {
                int t = timesteps[k];
                int done = start;
                int step = k;
                Interrupt.check(() -> "denoising step " + (step + 1) + " of " + timesteps.length + " (images " + (done + 1) + ".."
                        + (done + m) + " of " + n + ")", "no images are returned; the model is unchanged");
                float[] eps;
                try (NDManager sm = model.getNDManager().newSubManager()) {
                    eps = predict(net, sm, x, t, m, start);
                }
                ddpm.toEpsilon(x, eps, t);
                int prev = k + 1 < timesteps.length ? timesteps[k + 1] : -1;
                x = ddim ? ddpm.ddimStep(x, eps, t, prev, eta, rnd) : ddpm.ancestralStep(x, eps, t, rnd);
                record(k + 1, x, traj, start);
            }
            System.arraycopy(x, 0, out, start * size, x.length);
            if (onBatch != null) {
                onBatch.accept(start + m);
            }
        }
        List<float[]> pixTraj = new ArrayList<>();
        for (float[] f : traj) {
            pixTraj.add(Ddpm.toPixels(f));
        }
        return new Result(Ddpm.toPixels(out), pixTraj, recordAt.clone(), timesteps.length);
    }

    /**
     * The network's output for a batch of {@code m} images at step {@code t}, guided if asked to. Guided, the network
     * runs twice on the {@code m} images, with their labels and with "no label", rather than once on the batch
     * stacked twice. For a network whose layers work image by image in evaluation, as {@link UNet}'s do, each image's
     * output is the same bits either way ({@code DdpmTest}), and the stack is slower per image (chapter 12's U-Net:
     * 0.42 ms an image at 250, 0.56-0.62 at 500, most likely its arrays outgrowing the caches; BENCHMARKS.md).
     */
    private float[] predict(Block net, NDManager sm, float[] x, int t, int m, int start) {
        boolean guided = labels != null && guidance > 0;
        float[] conditional = forward(net, sm, x, t, m, start, false);
        if (!guided) {
            return conditional;
        }
        float[] unconditional = forward(net, sm, x, t, m, start, true);
        float[] mixed = new float[m * size];
        float w = (float) guidance;
        for (int j = 0; j < mixed.length; j++) {
            mixed[j] = (1 + w) * conditional[j] - w * unconditional[j]; // (1 + w) out(x_t, t, y) - w out(x_t, t)
        }
        return mixed;
    }

    /** One network call on the batch's {@code m} images at step {@code t}; with labels, theirs or "no label". */
    private float[] forward(Block net, NDManager sm, float[] x, int t, int m, int start, boolean noLabel) {
        float[] tf = new float[m];
        Arrays.fill(tf, t);
        NDList in = new NDList(sm.create(x, new Shape(image.batch(m))), sm.create(tf));
        if (labels != null) {
            float[] y = new float[m];
            for (int i = 0; i < m; i++) {
                y[i] = noLabel ? classes : labels[(start + i) % labels.length];
            }
            in.add(sm.create(y));
        }
        return net.forward(new ParameterStore(sm, false), in, false).head().toFloatArray();
    }

    private void record(int step, float[] x, List<float[]> traj, int start) {
        for (int r = 0; r < recordAt.length; r++) {
            if (recordAt[r] == step) {
                System.arraycopy(x, 0, traj.get(r), start * size, x.length);
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
}
