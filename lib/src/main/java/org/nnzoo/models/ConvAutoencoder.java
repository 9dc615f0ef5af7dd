package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import org.nnzoo.data.ImageShape;

/**
 * A convolutional autoencoder for images of a given {@link ImageShape} {@code (C, H, W)} (MNIST: {@code 1x28x28}):
 * an encoder squeezes the image into a short code
 * {@code z = f(x)}, a decoder rebuilds it, {@code x' = g(z)}, and both are trained together to make
 * {@code x'} close to {@code x} (binary cross-entropy per pixel, pixels in [0, 1]).
 *
 * <p>G. E. Hinton, R. R. Salakhutdinov, "Reducing the dimensionality of data with neural networks",
 * Science 313, 2006 (deep autoencoders beat PCA at equal code size); J. Masci, U. Meier, D. Ciresan,
 * J. Schmidhuber, "Stacked convolutional auto-encoders for hierarchical feature extraction", ICANN 2011;
 * denoising: P. Vincent, H. Larochelle, Y. Bengio, P.-A. Manzagol, ICML 2008. A linear autoencoder with
 * squared error learns the PCA subspace (P. Baldi, K. Hornik, Neural Networks 2(1), 1989): {@link Pca} is the
 * baseline.
 *
 * <pre>
 * encoder: conv3x3 16, relu, maxpool 2  -> (16, H/2, W/2)                        MNIST: (16, 14, 14)
 *          conv3x3  8, relu, maxpool 2  -> ( 8, H/4, W/4)                               ( 8,  7,  7)
 *          conv3x3  8, relu, flatten 8 (H/4) (W/4), linear -> code (N, codeSize)        392
 * decoder: linear 8 (H/4) (W/4), relu, reshape (8, H/4, W/4)
 *          conv3x3  8, relu, upsample 2 -> ( 8, H/2, W/2)
 *          conv3x3 16, relu, upsample 2 -> (16, H, W)
 *          conv3x3  C                    -> ( C, H, W) logits; sigmoid gives the image
 * </pre>
 * Upsampling is nearest-neighbour (each value repeated 2x2); two 2x2 poolings undone by two 2x upsamplings need
 * {@code H} and {@code W} to be multiples of 4. {@link #encoder()} and {@link #decoder()} are
 * separate blocks, so the code of an image can be read (e.g. for a 2-D scatter) and a code can be decoded.
 * {@link #block()} outputs logits {@code a}, the reconstruction is {@code sigmoid(a)}: train it with
 * {@code Loss.sigmoidBinaryCrossEntropyLoss()} (which applies the sigmoid itself, in the stable form
 * {@code max(a,0) - a x + log(1 + e^-|a|)}) and the image as its own label. (DJL 0.35.1's
 * {@code fromSigmoid=true} variant returns the log-likelihood with the wrong sign, so it must not be used.)
 * {@link #reconstruct} and {@link #decode} apply the sigmoid.
 */
public final class ConvAutoencoder {

    private final ImageShape image;
    private final int codeSize;
    private final SequentialBlock encoder;
    private final SequentialBlock decoder;
    private final SequentialBlock block;

    /**
     * @param image    the shape of the images, {@code (C, H, W)} with {@code H} and {@code W} multiples of 4,
     *                 e.g. {@link ImageShape#MNIST}
     * @param codeSize length of the code (the bottleneck); 2 to plot it directly, 16-64 to reconstruct well
     */
    public ConvAutoencoder(ImageShape image, int codeSize) {
        ImageShape.required(image);
        if (codeSize < 1) {
            throw new IllegalArgumentException("codeSize must be at least 1, got " + codeSize);
        }
        this.image = image.requireMultipleOf(4, "ConvAutoencoder", "two 2x2 max-poolings are undone by two 2x upsamplings");
        this.codeSize = codeSize;
        // excerpt-begin: encoder-decoder
        int h = image.height() / 4;
        int w = image.width() / 4;
        this.encoder = new SequentialBlock()                                       // z = f(x)
                .add(conv(16)).add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(8)).add(Activation::relu).add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(conv(8)).add(Activation::relu)
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(codeSize).build());
        this.decoder = new SequentialBlock()                                       // logits a of x' = sigmoid(a) = g(z)
                .add(Linear.builder().setUnits(8L * h * w).build()).add(Activation::relu)
                .addSingleton(z -> z.reshape(-1, 8, h, w), "reshape")
                .add(conv(8)).add(Activation::relu).addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(conv(16)).add(Activation::relu).addSingleton(ConvAutoencoder::upsample2, "upsample")
                .add(conv(image.channels()));
        this.block = new SequentialBlock().add(encoder).add(decoder);
        // excerpt-end: encoder-decoder
    }

    /**
     * Nearest-neighbour 2x upsampling of {@code (N, C, H, W)} to {@code (N, C, 2H, 2W)}: each value repeated in a 2x2
     * block. Written as two stacks of a map with itself (rows doubled, then columns) rather than as
     * {@code x.repeat(2, 2).repeat(3, 2)}, which gives the same values and, bit for bit, the same gradient (each input's
     * gradient is {@code (g00 + g01) + (g10 + g11)} either way), but whose backward is ATen's sum over an innermost axis
     * of length 2: forward and backward on {@code (64, 64, 7, 7)} took 11.8 ms that way and 4.4 ms this way at two
     * threads, 19.8 and 10.8 ms at one (BENCHMARKS.md, "Nearest-neighbour upsampling").
     */
    public static NDArray upsample2(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            throw new IllegalArgumentException("upsample2 needs an (N, C, H, W) array, got shape " + s);
        }
        NDArray rows = NDArrays.stack(new NDList(x, x), 3).reshape(s.get(0), s.get(1), 2 * s.get(2), s.get(3));
        return NDArrays.stack(new NDList(rows, rows), 4).reshape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3));
    }

    private static Block conv(int filters) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build();
    }

    /** @return the code length */
    public int codeSize() {
        return codeSize;
    }

    /** @return the shape of the images, {@code (C, H, W)} */
    public ImageShape imageShape() {
        return image;
    }

    /** @return the encoder: {@code (N, C, H, W)} to {@code (N, codeSize)} */
    public SequentialBlock encoder() {
        return encoder;
    }

    /** @return the decoder: {@code (N, codeSize)} to {@code (N, C, H, W)} logits (apply a sigmoid for pixels) */
    public SequentialBlock decoder() {
        return decoder;
    }

    /** @return encoder then decoder, the block to train; it outputs logits */
    public SequentialBlock block() {
        return block;
    }

    /** @return the input shape of a batch of {@code n} images, {@code (n, C, H, W)} */
    public Shape inputShape(int n) {
        return new Shape(image.batch(n));
    }

    /**
     * Runs a trained model's encoder over images, batch by batch (inference mode, each batch in its own
     * manager).
     *
     * @param model  a model whose block is {@link #block()} (trained)
     * @param pixels images one after another, {@code imageShape().size()} values each, in [0, 1]
     * @return the code of each image, {@code [image][codeSize]}
     */
    public float[][] encode(ai.djl.Model model, float[] pixels) {
        float[] flat = run(model, encoder, pixels, codeSize);
        float[][] out = new float[flat.length / codeSize][];
        for (int i = 0; i < out.length; i++) {
            out[i] = java.util.Arrays.copyOfRange(flat, i * codeSize, (i + 1) * codeSize);
        }
        return out;
    }

    /** @return the reconstructions (sigmoid of the output) of {@code pixels} by a trained model, {@code imageShape().size()} values per image */
    public float[] reconstruct(ai.djl.Model model, float[] pixels) {
        return sigmoid(run(model, block, pixels, image.size()));
    }

    private static float[] sigmoid(float[] logits) {
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (1 / (1 + Math.exp(-logits[i])));
        }
        return p;
    }

    /** @return images decoded from codes {@code [n][codeSize]}, {@code imageShape().size()} values per image */
    public float[] decode(ai.djl.Model model, float[][] codes) {
        float[] flat = new float[codes.length * codeSize];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i].length != codeSize) {
                throw new IllegalArgumentException("code " + i + " has " + codes[i].length + " values; this autoencoder's codes have " + codeSize);
            }
            System.arraycopy(codes[i], 0, flat, i * codeSize, codeSize);
        }
        return sigmoid(forward(model, decoder, flat, new Shape(codeSize), image.size()));
    }

    private float[] run(ai.djl.Model model, Block part, float[] pixels, int outPerImage) {
        image.count(pixels, "pixels");
        return forward(model, part, pixels, new Shape(image.channels(), image.height(), image.width()), outPerImage);
    }

    private float[] forward(ai.djl.Model model, Block part, float[] in, Shape sample, int outPerSample) {
        if (model == null || model.getBlock() != block) {
            throw new IllegalArgumentException("model must hold this autoencoder's block(): call model.setBlock(ae.block()) and train it first");
        }
        int per = Math.toIntExact(sample.size());
        int n = in.length / per;
        float[] out = new float[n * outPerSample];
        int batch = 500;
        for (int start = 0; start < n; start += batch) {
            int m = Math.min(batch, n - start);
            try (ai.djl.ndarray.NDManager bm = model.getNDManager().newSubManager()) {
                NDArray x = bm.create(java.nio.FloatBuffer.wrap(in, start * per, m * per), new Shape(m).addAll(sample));
                NDArray y = part.forward(new ai.djl.training.ParameterStore(bm, false), new NDList(x), false).singletonOrThrow();
                System.arraycopy(y.toFloatArray(), 0, out, start * outPerSample, m * outPerSample);
            }
        }
        return out;
    }

    /** @return mean squared error per pixel between two equally long image arrays */
    public static double mse(float[] a, float[] b) {
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("need two non-empty arrays of equal length, got " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s / a.length;
    }
}
