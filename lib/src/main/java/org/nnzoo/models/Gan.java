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
import org.nnzoo.data.ImageShape;
import org.nnzoo.train.OptimizerStep;

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
 * <p>Two architectures for images of a given {@link ImageShape} {@code (C, H, W)}, pixels scaled to [-1, 1]
 * (MNIST: {@code 1x28x28}, {@code CHW = 784}):
 * <pre>
 * MLP  G: z(100) -> 128 -> 256 -> 512 -> 1024 (LeakyReLU 0.2) -> CHW, tanh -> (C, H, W)
 *      D: CHW -> 512 -> 256 (LeakyReLU 0.2, dropout) -> 1 logit
 * DCGAN G: z -> linear 2c (H/4) (W/4), BN, ReLU -> up x2, conv 3x3 c, BN, ReLU (H/2 x W/2) -> up x2, conv 3x3 C, tanh (H x W)
 *       D: conv 4x4/2 c, LeakyReLU (H/2 x W/2) -> conv 4x4/2 2c, BN, LeakyReLU (H/4 x W/4) -> linear 1 logit
 * </pre>
 * The DCGAN generator doubles the resolution twice, so {@code H} and {@code W} must be multiples of 4.
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
    private final ImageShape image;
    private final Model gModel;
    private final Model dModel;
    private static final Loss BCE = Loss.sigmoidBinaryCrossEntropyLoss();
    private final Loss bce = Loss.sigmoidBinaryCrossEntropyLoss();
    private Trainer gTrainer;
    private Trainer dTrainer;
    private OptimizerStep gStep; // the trainers' optimizer steps, Trainer.step()'s updates without its gradient copies
    private OptimizerStep dStep;
    private final List<double[]> trace = new ArrayList<>();

    /**
     * @param image         the shape of the images, {@code (C, H, W)}, e.g. {@link ImageShape#MNIST}
     * @param generator     maps {@code (N, latent)} to {@code (N, C, H, W)} in [-1, 1]
     * @param discriminator maps {@code (N, C, H, W)} to {@code (N, 1)} logits
     * @param latent        length of {@code z}
     */
    public Gan(ImageShape image, Block generator, Block discriminator, int latent) {
        ImageShape.required(image);
        if (generator == null || discriminator == null) {
            throw new IllegalArgumentException("generator and discriminator must not be null (use Gan.mlpGenerator(..) etc.)");
        }
        if (latent < 1) {
            throw new IllegalArgumentException("latent must be at least 1, got " + latent);
        }
        this.generator = generator;
        this.discriminator = discriminator;
        this.latent = latent;
        this.image = image;
        this.gModel = Model.newInstance("gan-generator");
        gModel.setBlock(generator);
        this.dModel = Model.newInstance("gan-discriminator");
        dModel.setBlock(discriminator);
    }

    /** @return the seeds' MLP GAN: {@link #mlpGenerator} and {@link #mlpDiscriminator(float)} with dropout 0.3 */
    public static Gan mlp(ImageShape image) {
        return new Gan(image, mlpGenerator(image, LATENT), mlpDiscriminator(0.3f), LATENT);
    }

    /** @return a DCGAN with {@code channels} feature maps at half the resolution ({@link #dcganGenerator}, {@link #dcganDiscriminator}) */
    public static Gan dcgan(ImageShape image, int channels) {
        return new Gan(image, dcganGenerator(image, LATENT, channels), dcganDiscriminator(channels), LATENT);
    }

    /** @return {@code z -> 128 -> 256 -> 512 -> 1024 -> CHW}, LeakyReLU 0.2, tanh output, reshaped to (N, C, H, W) */
    public static SequentialBlock mlpGenerator(ImageShape image, int latent) {
        ImageShape.required(image);
        SequentialBlock g = new SequentialBlock();
        for (int units : new int[] {128, 256, 512, 1024}) {
            g.add(Linear.builder().setUnits(units).build()).add(x -> Activation.leakyRelu(x, 0.2f));
        }
        return g.add(Linear.builder().setUnits(image.size()).build()).add(Activation::tanh)
                .addSingleton(x -> x.reshape(-1, image.channels(), image.height(), image.width()), "to-image");
    }

    /**
     * @return {@code CHW -> 512 -> 256 -> 1} with LeakyReLU 0.2 and dropout after each hidden layer; a logit (the
     *     input is flattened, so it takes any image shape; the first layer's size is set by the first batch)
     */
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

    /**
     * @return the DCGAN generator: linear to {@code 2c x H/4 x W/4} ({@code 2c x 7 x 7} for MNIST), two (2x upsampling,
     *     3x3 convolution) stages, the last one to {@code C} channels
     */
    public static SequentialBlock dcganGenerator(ImageShape image, int latent, int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        ImageShape.required(image).requireMultipleOf(4, "the DCGAN generator", "it doubles the resolution twice from H/4 x W/4");
        int h = image.height() / 4;
        int w = image.width() / 4;
        return new SequentialBlock()
                .add(Linear.builder().setUnits(2L * channels * h * w).build())
                .addSingleton(x -> x.reshape(-1, 2L * channels, h, w), "to-maps")
                .add(BatchNorm.builder().build()).add(Activation::relu)
                .addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build()).add(Activation::relu)
                .addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(Conv2d.builder().setFilters(image.channels()).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(Activation::tanh);
    }

    /**
     * @return the DCGAN discriminator: two stride-2 convolutions, LeakyReLU 0.2, a linear logit; it takes any
     *     {@code (N, C, H, W)} with {@code H, W >= 4} (the convolutions and the last layer size themselves on the first batch)
     */
    public static SequentialBlock dcganDiscriminator(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be positive, got " + channels);
        }
        return new SequentialBlock()
                .add(StridedConv2d.builder().setFilters(channels).setKernelShape(new Shape(4, 4))
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .add(x -> Activation.leakyRelu(x, 0.2f))
                .add(StridedConv2d.builder().setFilters(2 * channels).setKernelShape(new Shape(4, 4))
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).build())
                .add(BatchNorm.builder().build()).add(x -> Activation.leakyRelu(x, 0.2f))
                .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(1).build());
    }

    /** @return length of {@code z} */
    public int latent() {
        return latent;
    }

    /** @return the shape of the images, {@code (C, H, W)} */
    public ImageShape imageShape() {
        return image;
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

    /** @return {@code n} generated images, pixels in [0, 1], {@code imageShape().size()} values each, from seeded noise */
    public float[] generate(int n, long seed) {
        return generate(latents(n, seed));
    }

    /** @return the images the generator makes from the given noise vectors (inference mode), pixels in [0, 1] */
    public float[] generate(float[][] z) {
        if (gTrainer == null) {
            throw new IllegalStateException("the GAN has not been trained yet: call training(pixels)...run() first");
        }
        float[] out = new float[z.length * image.size()];
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
                    out[start * image.size() + j] = Math.max(0f, Math.min(1f, (v[j] + 1) / 2));
                }
            }
        }
        return out;
    }

    /** Starts configuring adversarial training on images of {@link #imageShape()}, pixels in [0, 1] (scaled to [-1, 1]). */
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
            NDArray x = bm.create(real, new Shape(image.batch(n)));
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
     * @param x real images {@code (N, C, H, W)} in [-1, 1]
     * @param z noise {@code (N, latent)}
     * @return {D loss, mean D(x), mean D(G(z))} before the update
     */
    public double[] discriminatorStep(NDArray x, NDArray z) {
        requireTrainers();
        zeroGradients(discriminator);
        zeroGradients(generator);
        double[] out = new double[3];
        // excerpt-begin: d-step
        try (GradientCollector gc = dTrainer.newGradientCollector()) {
            NDArray fake = gTrainer.forward(new NDList(z)).head().stopGradient();               // G(z), a constant for D
            NDArray lr = dTrainer.forward(new NDList(x)).head();                                 // logit of D(x)
            NDArray lf = dTrainer.forward(new NDList(fake)).head();                              // logit of D(G(z))
            NDArray loss = discriminatorLoss(lr, lf);                                            // L_D
            gc.backward(loss);
            out[0] = loss.getFloat();
            out[1] = Activation.sigmoid(lr).mean().getFloat();
            out[2] = Activation.sigmoid(lf).mean().getFloat();
        }
        dStep.apply();                                                                           // only D's parameters move
        // excerpt-end: d-step
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
        zeroGradients(discriminator);
        zeroGradients(generator);
        double loss;
        // excerpt-begin: g-step
        try (GradientCollector gc = gTrainer.newGradientCollector()) {
            NDArray fake = gTrainer.forward(new NDList(z)).head();                                    // G(z)
            NDArray lf = dTrainer.forward(new NDList(fake)).head();                                   // logit of D(G(z))
            NDArray l = generatorLoss(lf);                                                            // L_G
            gc.backward(l);
            loss = l.getFloat();
        }
        gStep.apply();                                                                                // only G's parameters move
        // excerpt-end: g-step
        return loss;
    }

    // excerpt-begin: gan-losses
    /**
     * The discriminator's loss, the binary cross-entropy with label 1 for real and 0 for generated images:
     * {@code L_D = -mean log D(x) - mean log(1 - D(G(z)))}, with {@code D = sigmoid(logit)} (DJL's loss computes it
     * from the logits in the stable form {@code max(a, 0) - a y + log(1 + e^-|a|)}).
     *
     * @param realLogits D's logits on real images, {@code (N, 1)}
     * @param fakeLogits D's logits on generated images, {@code (N, 1)}
     */
    public static NDArray discriminatorLoss(NDArray realLogits, NDArray fakeLogits) {
        return BCE.evaluate(new NDList(realLogits.onesLike()), new NDList(realLogits))          // -log D(x)
                .add(BCE.evaluate(new NDList(fakeLogits.zerosLike()), new NDList(fakeLogits))); // -log(1 - D(G(z)))
    }

    /**
     * The generator's non-saturating loss {@code L_G = -mean log D(G(z))}: the binary cross-entropy with label 1
     * ("real") on D's logits for generated images.
     */
    public static NDArray generatorLoss(NDArray fakeLogits) {
        return BCE.evaluate(new NDList(fakeLogits.onesLike()), new NDList(fakeLogits));         // -log D(G(z))
    }
    // excerpt-end: gan-losses

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

    /**
     * Takes the trainers of a new run and how each player's update is applied: normally {@link OptimizerStep#fastest},
     * which gives {@code Trainer.step()}'s numbers bit for bit ({@code GanTest} checks it against {@code Trainer::step}).
     */
    void useTrainers(Trainer g, OptimizerStep gUpdate, Trainer d, OptimizerStep dUpdate) {
        gTrainer = g;
        dTrainer = d;
        gStep = gUpdate;
        dStep = dUpdate;
    }

    /** @return how the discriminator's update is applied in the current run (null before the first) */
    OptimizerStep discriminatorUpdate() {
        return dStep;
    }

    /** @return how the generator's update is applied in the current run (null before the first) */
    OptimizerStep generatorUpdate() {
        return gStep;
    }

    /** @return the generator's trainer of the current run (null before the first) */
    Trainer generatorTrainer() {
        return gTrainer;
    }

    /** @return the discriminator's trainer of the current run (null before the first) */
    Trainer discriminatorTrainer() {
        return dTrainer;
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
