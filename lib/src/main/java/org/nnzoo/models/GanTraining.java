package org.nnzoo.models;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.RandomUtils;
import org.nnzoo.train.BatchSource;
import org.nnzoo.train.Denormals;
import org.nnzoo.train.History;
import org.nnzoo.train.OptimizerStep;
import org.nnzoo.train.ProgressView;
import org.nnzoo.train.Interrupt;

/**
 * Configuration and run of a {@link Gan}'s alternating updates (made by {@link Gan#training}): both players get an
 * Adam trainer ({@link #start()}), then each epoch takes the real images in a seeded shuffled order, full batches
 * only, and plays one round per batch (a D step on the real batch and a generated one, a G step), showing its
 * progress in the project's {@link ProgressView} and recording per epoch {@code d_loss, g_loss, d_real, d_fake,
 * seconds, samples_per_s} in a {@link History}.
 */
public final class GanTraining {
    private final Gan gan;
    private final int size;
    private final float[] images;
    private final int count;
    private int batchSize = 64;
    private int epochs = 1;
    private long seed = 42;
    private float learningRate = 2e-4f;
    private float beta1 = 0.5f;
    private String title = "GAN";
    private BiConsumer<Integer, History> onEpoch;

    GanTraining(Gan gan, float[] pixels) {
        this.count = gan.imageShape().count(pixels, "pixels (in [0, 1])");
        this.gan = gan;
        this.size = gan.imageShape().size();
        images = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            images[i] = 2 * pixels[i] - 1;
        }
    }

    /** Images per batch (real ones; as many generated). */
    public GanTraining batchSize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + n);
        }
        batchSize = n;
        return this;
    }

    /** Passes over the real images. */
    public GanTraining epochs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + n);
        }
        epochs = n;
        return this;
    }

    /** Seed of the initialisation, dropout, the order of the images and the noise. */
    public GanTraining seed(long s) {
        seed = s;
        return this;
    }

    /** Adam's learning rate and {@code beta1} for both networks (DCGAN: 2e-4 and 0.5). */
    public GanTraining adam(float lr, float b1) {
        if (!(lr > 0) || b1 < 0 || b1 >= 1) {
            throw new IllegalArgumentException("need lr > 0 and beta1 in [0, 1), got " + lr + ", " + b1);
        }
        learningRate = lr;
        beta1 = b1;
        return this;
    }

    /** Heading of the progress view. */
    public GanTraining title(String t) {
        title = t;
        return this;
    }

    /** Called after each epoch (0-based index, history so far), e.g. to show a grid of samples. */
    public GanTraining onEpoch(BiConsumer<Integer, History> callback) {
        onEpoch = callback;
        return this;
    }

    private Optimizer adam() {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).optBeta1(beta1).build();
    }

    private Trainer trainer(Model model, Shape input, boolean normalInit, Optimizer optimizer) {
        DefaultTrainingConfig config = new DefaultTrainingConfig(gan.loss())
                .optOptimizer(optimizer)
                .optDevices(new Device[] {Device.cpu()});
        if (normalInit) {
            config.optInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT); // DCGAN: weights from N(0, 0.02)
        }
        Trainer t = model.newTrainer(config);
        t.initialize(input);
        return t;
    }

    /**
     * Seeds the engine, creates both trainers and initialises the parameters (done by {@link #run}; call it to
     * drive {@link Gan#discriminatorStep} and {@link Gan#generatorStep} by hand).
     */
    public void start() {
        Engine.getInstance().setRandomSeed((int) seed);
        RandomUtils.RANDOM.setSeed(seed);
        boolean conv = gan.generatorModel().getBlock().getChildren().values().stream().anyMatch(b -> b instanceof Conv2d);
        gan.resetTraining();
        Optimizer gAdam = adam();
        Optimizer dAdam = adam();
        Trainer g = trainer(gan.generatorModel(), new Shape(batchSize, gan.latent()), conv, gAdam);
        Trainer d = trainer(gan.discriminatorModel(), new Shape(gan.imageShape().batch(batchSize)), conv, dAdam);
        gan.useTrainers(g, OptimizerStep.fastest(g, gAdam), d, OptimizerStep.fastest(d, dAdam));
    }

    /** Runs the alternating updates and returns the per-epoch history ({@code d_loss, g_loss, d_real, d_fake, seconds}). */
    public History run() {
        Denormals.onThisThread(); // as in Fit: a converging model makes denormals, slow on x86
        start();
        History history = new History();
        int batches = count / batchSize; // full batches only (BatchNorm statistics, equal real/fake counts)
        if (batches == 0) {
            throw new IllegalArgumentException("batchSize " + batchSize + " is larger than the " + count + " images");
        }
        ProgressView view = new ProgressView(title, epochs, batches, history);
        Random rnd = new Random(seed);
        float[] real = new float[batchSize * size];
        for (int epoch = 0; epoch < epochs; epoch++) {
            long t0 = System.nanoTime();
            int[] order = BatchSource.permutation(count, new SplittableRandom(seed + epoch));
            double[] sums = new double[4];
            for (int b = 0; b < batches; b++) {
                int e = epoch;
                int done = b;
                Interrupt.check(() -> "epoch " + (e + 1) + ", batch " + (done + 1),
                        "generator and discriminator keep the weights of the last completed step");
                for (int i = 0; i < batchSize; i++) {
                    System.arraycopy(images, order[b * batchSize + i] * size, real, i * size, size);
                }
                double[] r = gan.step(real, batchSize, rnd);
                for (int k = 0; k < 4; k++) {
                    sums[k] += r[k];
                }
                double secs = (System.nanoTime() - t0) / 1e9;
                view.batch(epoch, b + 1, sums[0] / (b + 1), Double.NaN, (b + 1) * batchSize / secs);
            }
            Map<String, Double> row = new LinkedHashMap<>();
            row.put("d_loss", sums[0] / batches);
            row.put("g_loss", sums[1] / batches);
            row.put("d_real", sums[2] / batches);
            row.put("d_fake", sums[3] / batches);
            double seconds = (System.nanoTime() - t0) / 1e9;
            row.put("seconds", seconds);
            row.put("samples_per_s", batches * batchSize / seconds);
            history.add(row);
            view.epoch(epoch, row);
            if (onEpoch != null) {
                onEpoch.accept(epoch, history);
            }
        }
        return history;
    }
}
