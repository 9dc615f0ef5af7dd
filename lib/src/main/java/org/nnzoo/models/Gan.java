package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;

/**
 * Generative adversarial network: a generator {@code G} maps random noise {@code z} to images, a discriminator
 * {@code D} tells real images from generated ones, and the two are trained against each other
 * ({@code min_G max_D E log D(x) + E log(1 - D(G(z)))}).
 *
 * <p>I. Goodfellow et al., "Generative adversarial nets", NeurIPS 2014 (the minimax game, alternating updates,
 * the non-saturating generator loss {@code -log D(G(z))}); A. Radford, L. Metz, S. Chintala, "Unsupervised
 * representation learning with deep convolutional generative adversarial networks", ICLR 2016 (DCGAN:
 * strided/transposed convolutions, batch normalisation, LeakyReLU in D, Adam with learning rate 2e-4 and
 * {@code beta1 = 0.5}, weights from N(0, 0.02)).
 *
 * <p>Two architectures for 28x28 images with pixels scaled to [-1, 1]:
 * <pre>
 * MLP  G: z(100) -> 128 -> 256 -> 512 -> 1024 (LeakyReLU 0.2) -> 784, tanh -> (1, 28, 28)
 *      D: 784 -> 512 -> 256 (LeakyReLU 0.2, dropout) -> 1 logit
 * DCGAN G: z -> linear 7x7x2c, BN, ReLU -> up x2, conv 3x3 c, BN, ReLU (14x14) -> up x2, conv 3x3 1, tanh (28x28)
 *       D: conv 4x4/2 c, LeakyReLU (14x14) -> conv 4x4/2 2c, BN, LeakyReLU (7x7) -> linear 1 logit
 * </pre>
 * DCGAN's transposed convolutions are replaced by nearest-neighbour upsampling followed by a convolution
 * (DJL 0.35's PyTorch engine does not implement transposed convolution; the resize-convolution also avoids
 * checkerboard artefacts: A. Odena, V. Dumoulin, C. Olah, "Deconvolution and checkerboard artifacts", Distill 2016).
 * D outputs a logit; the sigmoid is folded into the binary cross-entropy. This file holds the two players and
 * one move of each ({@link #discriminatorStep}, {@link #generatorStep}); {@link #training} returns a
 * {@link GanTraining}, the loop around them (epochs of alternating updates, one D step on a real and a generated
 * batch and one G step, with the project's progress view and {@link org.nnzoo.train.History}); every batch's arrays
 * live in a sub-manager closed after the step.
 */
public final class Gan implements AutoCloseable {

    /** Length of the noise vector {@code z} in the seed architectures. */
    public static final int LATENT = 100;

    private final Block generator;
    private final Block discriminator;
    private final int latent;
    private final Model gModel;
    private final Model dModel;
    private final Loss bce = Loss.sigmoidBinaryCrossEntropyLoss();
    private Trainer gTrainer;
    private Trainer dTrainer;
    private final List<double[]> trace = new ArrayList<>();

    /**
     * @param generator     maps {@code (N, latent)} to {@code (N, 1, 28, 28)} in [-1, 1]
     * @param discriminator maps {@code (N, 1, 28, 28)} to {@code (N, 1)} logits
     * @param latent        length of {@code z}
     */
    public Gan(Block generator, Block discriminator, int latent) {
        if (generator == null || discriminator == null) {
            throw new IllegalArgumentException("generator and discriminator must not be null (use Gan.mlpGenerator(..) etc.)");
        }
        if (latent < 1) {
            throw new IllegalArgumentException("latent must be at least 1, got " + latent);
        }
        this.generator = generator;
        this.discriminator = discriminator;
        this.latent = latent;
        this.gModel = Model.newInstance("gan-generator");
        gModel.setBlock(generator);
        this.dModel = Model.newInstance("gan-discriminator");
        dModel.setBlock(discriminator);
    }

    /** @return the seeds' MLP GAN: {@link #mlpGenerator(int)} and {@link #mlpDiscriminator(float)} with dropout 0.3 */
    public static Gan mlp() {
        return new Gan(mlpGenerator(LATENT), mlpDiscriminator(0.3f), LATENT);
    }

    /** @return a DCGAN with {@code channels} feature maps at 14x14 ({@link #dcganGenerator}, {@link #dcganDiscriminator}) */
    public static Gan dcgan(int channels) {
        return new Gan(dcganGenerator(LATENT, channels), dcganDiscriminator(channels), LATENT);
    }

    /** @return {@code z -> 128 -> 256 -> 512 -> 1024 -> 784}, LeakyReLU 0.2, tanh output, reshaped to (N, 1, 28, 28) */
    public static SequentialBlock mlpGenerator(int latent) {
        SequentialBlock g = new SequentialBlock();
        for (int units : new int[] {128, 256, 512, 1024}) {
            g.add(Linear.builder().setUnits(units).build()).add(x -> Activation.leakyRelu(x, 0.2f));
        }
        return g.add(Linear.builder().setUnits(784).build()).add(Activation::tanh)
                .addSingleton(x -> x.reshape(-1, 1, 28, 28), "to-image");
    }

    /** @return {@code 784 -> 512 -> 256 -> 1} with LeakyReLU 0.2 and dropout after each hidden layer; a logit */
    public static SequentialBlock mlpDiscriminator(float dropout) {
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        SequentialBlock d = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int units : new int[] {512, 256}) {
            d.add(Linear.builder().setUnits(units).build()).add(x -> Activation.leakyRelu(x, 0.2f))
                    .add(Dropout.builder().optRate(dropout).build());
        }
        return d.add(Linear.builder().setUnits(1).build());
    }

    /** @return the DCGAN generator for 28x28: linear to 2c x 7 x 7, two (2x upsampling, 3x3 convolution) stages */
    public static SequentialBlock dcganGenerator(int latent, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        return new SequentialBlock()
                .add(Linear.builder().setUnits(2L * channels * 49).build())
                .addSingleton(x -> x.reshape(-1, 2L * channels, 7, 7), "to-maps")
                .add(BatchNorm.builder().build()).add(Activation::relu)
                .addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build()).add(Activation::relu)
                .addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(Conv2d.builder().setFilters(1).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(Activation::tanh);
    }

    /** @return the DCGAN discriminator for 28x28: two stride-2 convolutions, LeakyReLU 0.2, a linear logit */
    public static SequentialBlock dcganDiscriminator(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        return new SequentialBlock()
                .add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(4, 4))
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .add(x -> Activation.leakyRelu(x, 0.2f))
                .add(Conv2d.builder().setFilters(2 * channels).setKernelShape(new Shape(4, 4))
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build()).add(x -> Activation.leakyRelu(x, 0.2f))
                .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(1).build());
    }

    /** @return length of {@code z} */
    public int latent() {
        return latent;
    }

    /** @return the generator's model (trained by {@link #training}) */
    public Model generatorModel() {
        return gModel;
    }

    /** @return the discriminator's model */
    public Model discriminatorModel() {
        return dModel;
    }

    /** @return D loss and G loss of every training step so far, {@code [step][2]} */
    public double[][] lossTrace() {
        return trace.toArray(new double[0][]);
    }

    /**
     * @return {@code n} noise vectors {@code z ~ N(0, I)} from a seeded generator, {@code [n][latent]}
     */
    public float[][] latents(int n, long seed) {
        Random rnd = new Random(seed);
        float[][] z = new float[n][latent];
        for (float[] row : z) {
            for (int j = 0; j < latent; j++) {
                row[j] = (float) rnd.nextGaussian();
            }
        }
        return z;
    }

    /** @return {@code n} generated images, pixels in [0, 1], 784 values each, from seeded noise */
    public float[] generate(int n, long seed) {
        return generate(latents(n, seed));
    }

    /** @return the images the generator makes from the given noise vectors (inference mode), pixels in [0, 1] */
    public float[] generate(float[][] z) {
        if (gTrainer == null) {
            throw new IllegalStateException("the GAN has not been trained yet: call training(pixels)...run() first");
        }
        float[] out = new float[z.length * 784];
        int batch = 500;
        for (int start = 0; start < z.length; start += batch) {
            int m = Math.min(batch, z.length - start);
            float[] flat = new float[m * latent];
            for (int i = 0; i < m; i++) {
                if (z[start + i].length != latent) {
                    throw new IllegalArgumentException("z[" + (start + i) + "] has " + z[start + i].length + " values; this GAN's latent size is " + latent);
                }
                System.arraycopy(z[start + i], 0, flat, i * latent, latent);
            }
            try (NDManager bm = gModel.getNDManager().newSubManager()) {
                NDArray y = generator.forward(new ParameterStore(bm, false), new NDList(bm.create(flat, new Shape(m, latent))), false).head();
                float[] v = y.toFloatArray();
                for (int j = 0; j < v.length; j++) {
                    out[start * 784 + j] = Math.max(0f, Math.min(1f, (v[j] + 1) / 2));
                }
            }
        }
        return out;
    }

    /** Starts configuring adversarial training on 28x28 images with pixels in [0, 1] (scaled to [-1, 1]). */
    public GanTraining training(float[] pixels) {
        return new GanTraining(this, pixels);
    }

    // ---------------------------------------------------------------- the game: one update of D, one of G

    /**
     * One round of the game on a batch of real images in [-1, 1]: a D update on it and on {@code G(z)}, then a G
     * update, each with fresh noise from {@code rnd}; the round's arrays live in a sub-manager closed at its end.
     *
     * @return {D loss, G loss, mean D(x) on real, mean D(G(z)) on generated}
     */
    double[] step(float[] real, int n, Random rnd) {
        try (NDManager bm = dTrainer.getManager().newSubManager()) {
            NDArray x = bm.create(real, new Shape(n, 1, 28, 28));
            double[] d = discriminatorStep(x, noise(bm, n, rnd));
            double g = generatorStep(noise(bm, n, rnd));
            trace.add(new double[] {d[0], g});
            return new double[] {d[0], g, d[1], d[2]};
        }
    }

    /**
     * One update of D: ascend {@code log D(x) + log(1 - D(G(z)))}, i.e. descend the binary cross-entropy with
     * label 1 for the real batch and 0 for the generated one ({@code G(z)} is detached: G is not updated).
     * Needs the trainers ({@link GanTraining#start()}).
     *
     * @param x real images {@code (N, 1, 28, 28)} in [-1, 1]
     * @param z noise {@code (N, latent)}
     * @return {D loss, mean D(x), mean D(G(z))} before the update
     */
    public double[] discriminatorStep(NDArray x, NDArray z) {
        requireTrainers();
        NDManager m = x.getManager();
        long n = x.getShape().get(0);
        zeroGradients(discriminator);
        zeroGradients(generator);
        double[] out = new double[3];
        try (GradientCollector gc = dTrainer.newGradientCollector()) {
            NDArray fake = gTrainer.forward(new NDList(z)).head().stopGradient();               // G(z), a constant for D
            NDArray lr = dTrainer.forward(new NDList(x)).head();                                 // logit of D(x)
            NDArray lf = dTrainer.forward(new NDList(fake)).head();                              // logit of D(G(z))
            NDArray loss = bce.evaluate(new NDList(m.ones(new Shape(n, 1))), new NDList(lr))    // -log D(x)
                    .add(bce.evaluate(new NDList(m.zeros(new Shape(n, 1))), new NDList(lf)));   // -log(1 - D(G(z)))
            gc.backward(loss);
            out[0] = loss.getFloat();
            out[1] = Activation.sigmoid(lr).mean().getFloat();
            out[2] = Activation.sigmoid(lf).mean().getFloat();
        }
        dTrainer.step();
        return out;
    }

    /**
     * One update of G with the non-saturating loss {@code -log D(G(z))} (binary cross-entropy with label 1);
     * gradients flow through D, but only G's parameters are updated. Needs the trainers ({@link GanTraining#start()}).
     *
     * @param z noise {@code (N, latent)}
     * @return the G loss before the update
     */
    public double generatorStep(NDArray z) {
        requireTrainers();
        long n = z.getShape().get(0);
        zeroGradients(discriminator);
        zeroGradients(generator);
        double loss;
        try (GradientCollector gc = gTrainer.newGradientCollector()) {
            NDArray fake = gTrainer.forward(new NDList(z)).head();                                    // G(z)
            NDArray lf = dTrainer.forward(new NDList(fake)).head();                                   // logit of D(G(z))
            NDArray l = bce.evaluate(new NDList(z.getManager().ones(new Shape(n, 1))), new NDList(lf)); // -log D(G(z))
            gc.backward(l);
            loss = l.getFloat();
        }
        gTrainer.step();
        return loss;
    }

    private NDArray noise(NDManager m, int n, Random rnd) {
        float[] z = new float[n * latent];
        for (int j = 0; j < z.length; j++) {
            z[j] = (float) rnd.nextGaussian();                  // z ~ N(0, I)
        }
        return m.create(z, new Shape(n, latent));
    }

    // ---------------------------------------------------------------- trainers (made by GanTraining)

    /** @return the loss both players are trained with, binary cross-entropy on D's logits */
    Loss loss() {
        return bce;
    }

    /** Closes the trainers of an earlier run, if any, and forgets its loss trace. */
    void resetTraining() {
        if (gTrainer != null) {
            gTrainer.close();
            dTrainer.close();
        }
        trace.clear();
    }

    /** Takes the trainers of a new run. */
    void useTrainers(Trainer g, Trainer d) {
        gTrainer = g;
        dTrainer = d;
    }

    private void requireTrainers() {
        if (gTrainer == null) {
            throw new IllegalStateException("the GAN has no trainers yet: call training(pixels).start() or run() first");
        }
    }

    /** Frees both networks' parameters and trainers. */
    @Override
    public void close() {
        if (gTrainer != null) {
            gTrainer.close();
            dTrainer.close();
        }
        gModel.close();
        dModel.close();
    }

    private static void zeroGradients(Block block) {
        for (var p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (a.hasGradient()) {
                try (NDArray g = a.getGradient()) {
                    g.subi(g);
                }
            }
        }
    }

}
