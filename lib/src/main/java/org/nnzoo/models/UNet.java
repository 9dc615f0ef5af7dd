package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.nnzoo.data.ImageShape;

/**
 * A small U-Net noise predictor for images of a given {@link ImageShape} {@code (C, H, W)}, conditioned on the
 * diffusion time step through a sinusoidal time embedding: {@code eps_theta(x_t, t)}, the network of a denoising
 * diffusion model ({@link Ddpm}).
 *
 * <p>O. Ronneberger, P. Fischer, T. Brox, "U-Net: convolutional networks for biomedical image segmentation",
 * MICCAI 2015 (the encoder/decoder with skip connections); J. Ho, A. Jain, P. Abbeel, "Denoising diffusion
 * probabilistic models", NeurIPS 2020 (its use as the noise predictor, with residual blocks, group
 * normalisation and the Transformer's sinusoidal position embedding for {@code t}); Y. Wu, K. He, "Group
 * normalization", ECCV 2018.
 *
 * <pre>
 * t -> sinusoidal(embDim) -> linear, SiLU, linear            = e   (N, embDim)
 * x (N, C, H, W)   -> conv3x3 c              -> res(c)   H x W       = s1     (MNIST: 28x28)
 *                  -> conv3x3/2 2c           -> res(2c)  H/2 x W/2   = s2     (14x14)
 *                  -> conv3x3/2 4c           -> res(4c)  H/4 x W/4   (the bottleneck, 7x7)
 *   upsample x2, concat s2 -> res(6c -> 2c)  H/2 x W/2
 *   upsample x2, concat s1 -> res(3c -> c)   H x W
 *   GroupNorm, SiLU, conv3x3 C               -> eps (N, C, H, W)
 * res(a -> b): h = conv3x3(SiLU(GN(x))) + linear(SiLU(e)) per channel; h = conv3x3(SiLU(GN(h))); out = h + skip(x)
 * </pre>
 * With {@code patch = 2} ({@link #UNet(ImageShape, int, int)}) the image is first cut into 2x2 patches stacked as
 * channels ({@link #toPatches}, "space to depth", as the patch embedding of a vision Transformer: A. Dosovitskiy et
 * al., ICLR 2021) and the network works at half and a quarter of the resolution (14x14 and 7x7 for MNIST):
 * <pre>
 * x -> patches (N, 4C, H/2, W/2) -> conv3x3 c -> res(c) H/2 x W/2 = s1 -> conv3x3/2 2c -> res(2c) H/4 x W/4 = s2 -> res(2c)
 *   concat s2 -> res(4c -> 2c) H/4 x W/4; upsample x2, concat s1 -> res(3c -> c) H/2 x W/2
 *   GroupNorm, SiLU, conv3x3 4C -> 2x2 pixels (N, C, H, W)
 * </pre>
 * A quarter of the positions: at width {@code 2c} it costs about what the full-resolution network costs at width
 * {@code c}, with more parameters (each convolution of twice the width has four times the weights), the better
 * trade for a short training run on a CPU.
 * Both layouts halve the resolution twice and double it back, so {@code H} and {@code W} must be multiples of 4.
 * Inputs: {@code NDList(x_t (N, C, H, W), t (N))}, {@code t} the integer step as a float; output: one array of
 * the shape of {@code x_t}. {@code c} is {@link #width()}.
 *
 * <p>Class-conditional ({@link #UNet(ImageShape, int, int, int)} with {@code classes > 0}): a third input {@code y (N)}, the
 * class index as a float, or {@code classes} for "no label"; its learned embedding (a linear map of the one-hot
 * vector, {@code classes + 1} rows) is added to the time embedding {@code e}. Trained with some labels dropped to
 * "no label", one network gives both {@code eps(x_t, t, y)} and {@code eps(x_t, t)}, which classifier-free guidance
 * mixes ({@link DdpmSampler#guidance}; J. Ho, T. Salimans, "Classifier-free diffusion guidance", 2022).
 */
public final class UNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ImageShape image;
    private final int width;
    private final int patch;
    private final int classes;
    private final int embDim;
    private final Block temb1;
    private final Block temb2;
    private final Block label; // null when unconditional
    private final Block stem;
    private final Res res1;
    private final Block down1;
    private final Res res2;
    private final Block down2; // null with patch 2
    private final Res mid;
    private final Res up2;
    private final Res up1;
    private final GroupNorm outNorm;
    private final Block outConv;

    /**
     * @param image the shape of the images, {@code (C, H, W)} with {@code H} and {@code W} multiples of 4
     * @param width channels at full resolution (doubled at half, quadrupled at a quarter); 16 is small and fast, 32
     *              better; at least 4 and a multiple of 4 (group normalisation uses 4 groups)
     */
    public UNet(ImageShape image, int width) {
        this(image, width, 1);
    }

    /**
     * @param image the shape of the images, {@code (C, H, W)} with {@code H} and {@code W} multiples of 4
     * @param width channels of the first level
     * @param patch 1: the three-level network above (28, 14, 7 for MNIST); 2: the image is first cut into 2x2
     *              patches stacked as {@code 4C} channels ("space to depth", as the patches of a vision Transformer),
     *              so the network works at half ({@code width} channels) and a quarter of the resolution
     *              ({@code 2 width}), and its {@code 4C} output channels are put back as 2x2 pixels: a quarter of the
     *              positions, so about the cost of the three-level network at half the width, with more parameters
     */
    public UNet(ImageShape image, int width, int patch) {
        this(image, width, patch, 0);
    }

    /**
     * @param image   the shape of the images, {@code (C, H, W)} with {@code H} and {@code W} multiples of 4
     * @param width   channels of the first level
     * @param patch   1 or 2, as in {@link #UNet(ImageShape, int, int)}
     * @param classes 0: unconditional (inputs {@code (x_t, t)}); {@code > 0}: class-conditional, inputs
     *                {@code (x_t, t, y)} with {@code y} in {@code 0..classes}, {@code classes} meaning "no label"
     */
    public UNet(ImageShape image, int width, int patch, int classes) {
        super(VERSION);
        ImageShape.required(image);
        if (classes < 0) {
            throw new IllegalArgumentException("classes must be 0 (unconditional) or the number of classes, got " + classes);
        }
        this.classes = classes;
        if (width < 4 || width % 4 != 0) {
            throw new IllegalArgumentException("width must be a positive multiple of 4 (GroupNorm uses 4 groups), got " + width);
        }
        if (patch != 1 && patch != 2) {
            throw new IllegalArgumentException("patch must be 1 (work at full resolution) or 2 (2x2 patches, work at half), got " + patch);
        }
        this.image = image.requireMultipleOf(4, "UNet", patch == 1
                ? "two stride-2 convolutions are undone by two 2x upsamplings"
                : "2x2 patches and a stride-2 convolution are undone by a 2x upsampling and the patches");
        this.width = width;
        this.patch = patch;
        this.embDim = 4 * width;
        temb1 = addChildBlock("temb1", Linear.builder().setUnits(embDim).build());
        temb2 = addChildBlock("temb2", Linear.builder().setUnits(embDim).build());
        label = classes > 0 ? addChildBlock("label", Linear.builder().setUnits(embDim).optBias(false).build()) : null;
        stem = addChildBlock("stem", conv(width, 1));              // (N, patch^2 C, ..) -> width channels
        res1 = addChildBlock("res1", new Res(width, width));
        down1 = addChildBlock("down1", conv(2 * width, 2));
        res2 = addChildBlock("res2", new Res(2 * width, 2 * width));
        if (patch == 1) {
            down2 = addChildBlock("down2", conv(4 * width, 2));
            mid = addChildBlock("mid", new Res(4 * width, 4 * width));
            up2 = addChildBlock("up2", new Res(6 * width, 2 * width));
        } else {
            down2 = null;
            mid = addChildBlock("mid", new Res(2 * width, 2 * width));
            up2 = addChildBlock("up2", new Res(4 * width, 2 * width));
        }
        up1 = addChildBlock("up1", new Res(3 * width, width));
        outNorm = addChildBlock("outNorm", new GroupNorm(width, 4));
        outConv = addChildBlock("outConv", conv(patch * patch * image.channels(), 1));
    }

    /** @return number of classes of a class-conditional network (its "no label" index), 0 if unconditional */
    public int classes() {
        return classes;
    }

    /** @return the shape of the images it takes and gives, {@code (C, H, W)} */
    public ImageShape imageShape() {
        return image;
    }

    /** @return the patch size, 1 or 2 */
    public int patch() {
        return patch;
    }

    /**
     * Space to depth: {@code (N, C, H, W)} to {@code (N, 4C, H/2, W/2)} ({@code (N, 1, 28, 28)} to {@code (N, 4, 14, 14)}),
     * channel {@code 4c + 2 dy + dx} = pixel {@code (2i + dy, 2j + dx)} of channel {@code c}.
     */
    public static NDArray toPatches(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(2) % 2 != 0 || s.get(3) % 2 != 0) {
            throw new IllegalArgumentException("toPatches needs (N, C, H, W) with even H and W, got " + s);
        }
        long n = s.get(0);
        long c = s.get(1);
        long h = s.get(2) / 2;
        long w = s.get(3) / 2;
        return x.reshape(n, c, h, 2, w, 2).transpose(0, 1, 3, 5, 2, 4).reshape(n, 4 * c, h, w);
    }

    /** Depth to space, the inverse of {@link #toPatches}: {@code (N, 4C, h, w)} to {@code (N, C, 2h, 2w)}. */
    public static NDArray fromPatches(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || s.get(1) % 4 != 0) {
            throw new IllegalArgumentException("fromPatches needs (N, 4C, h, w), got " + s);
        }
        long n = s.get(0);
        long c = s.get(1) / 4;
        long h = s.get(2);
        long w = s.get(3);
        return x.reshape(n, c, 2, 2, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, 2 * h, 2 * w);
    }

    /** @return channels at full resolution */
    public int width() {
        return width;
    }

    private static Block conv(int filters, int stride) {
        return StridedConv2d.builder().setFilters(filters).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .optStride(new Shape(stride, stride)).build();
    }

    /**
     * The sinusoidal embedding of the time steps (Vaswani et al. 2017, as in Ho et al. 2020):
     * {@code [sin(t w_0) .. sin(t w_{d/2-1}), cos(t w_0) .. cos(t w_{d/2-1})]}, {@code w_i = 10000^(-i/(d/2))}.
     *
     * @param t   time steps, shape {@code (N)}
     * @param dim embedding size, even
     * @return {@code (N, dim)}
     */
    public static NDArray timeEmbedding(NDArray t, int dim) {
        if (dim < 2 || dim % 2 != 0) {
            throw new IllegalArgumentException("dim must be even and at least 2, got " + dim);
        }
        int half = dim / 2;
        float[] w = new float[half];
        for (int i = 0; i < half; i++) {
            w[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
        }
        NDArray angles = t.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(t.getManager().create(w).reshape(1, half));
        return angles.sin().concat(angles.cos(), 1);
    }

    private static NDArray silu(NDArray x) {
        return TorchOps.silu(x); // x * sigmoid(x), PyTorch's fused kernel
    }

    private void checkInputs(Shape[] shapes) {
        if (classes == 0 && shapes.length != 2) {
            throw new IllegalArgumentException("UNet takes NDList(x_t, t): 2 inputs, got " + shapes.length
                    + (shapes.length == 3 ? "; for class labels build it with new UNet(image, width, patch, classes)" : ""));
        }
        if (classes > 0 && shapes.length != 3) {
            throw new IllegalArgumentException("this class-conditional UNet takes NDList(x_t, t, y): 3 inputs, got " + shapes.length
                    + " (y = " + classes + " for no label)");
        }
        Shape x = shapes[0];
        if (x.dimension() != 4 || x.get(1) != image.channels() || x.get(2) != image.height() || x.get(3) != image.width()) {
            String want = "(N, " + image.channels() + ", " + image.height() + ", " + image.width() + ")";
            throw new IllegalArgumentException("this UNet was built for " + image + " images and needs x_t of shape " + want
                    + ", got " + x + "; reshape the images to " + want + " or build the UNet for their shape");
        }
        Shape t = shapes[1];
        if (t.dimension() != 1 || t.get(0) != x.get(0)) {
            throw new IllegalArgumentException("UNet needs t of shape (N) = (" + x.get(0) + "), one step per image, got " + t);
        }
        if (classes > 0 && (shapes[2].dimension() != 1 || shapes[2].get(0) != x.get(0))) {
            throw new IllegalArgumentException("UNet needs y of shape (N) = (" + x.get(0) + "), one label per image, got " + shapes[2]);
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        checkInputs(inputs.getShapes());
        NDArray x = inputs.get(0);
        NDArray e = timeEmbedding(inputs.get(1), embDim);
        e = temb1.forward(ps, new NDList(e), training).head();
        e = temb2.forward(ps, new NDList(silu(e)), training).head();
        if (label != null) {
            NDArray oneHot = inputs.get(2).toType(DataType.INT32, false).oneHot(classes + 1);
            e = e.add(label.forward(ps, new NDList(oneHot), training).head());
        }
        NDArray h = stem.forward(ps, new NDList(patch == 1 ? x : toPatches(x)), training).head();
        NDArray s1 = res1.apply(ps, h, e, training);
        h = down1.forward(ps, new NDList(s1), training).head();
        NDArray s2 = res2.apply(ps, h, e, training);
        if (patch == 1) {
            h = down2.forward(ps, new NDList(s2), training).head();
            h = mid.apply(ps, h, e, training);
            h = up2.apply(ps, ConvAutoencoder.upsample2(h).concat(s2, 1), e, training);
        } else {
            h = mid.apply(ps, s2, e, training);
            h = up2.apply(ps, h.concat(s2, 1), e, training);
        }
        h = up1.apply(ps, ConvAutoencoder.upsample2(h).concat(s1, 1), e, training);
        h = silu(outNorm.forward(ps, new NDList(h), training).head());
        NDArray out = outConv.forward(ps, new NDList(h), training).head();
        return new NDList(patch == 1 ? out : fromPatches(out));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkInputs(inputShapes);
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkInputs(inputShapes);
        long n = inputShapes[0].get(0);
        Shape emb = new Shape(n, embDim);
        temb1.initialize(manager, dataType, emb);
        temb2.initialize(manager, dataType, emb);
        if (label != null) {
            label.initialize(manager, dataType, new Shape(n, classes + 1));
        }
        int h = image.height() / patch;  // the first level's resolution
        int w = image.width() / patch;
        stem.initialize(manager, dataType, new Shape(n, patch * patch * image.channels(), h, w));
        Shape full = new Shape(n, width, h, w);
        res1.initialize(manager, dataType, full, emb);
        down1.initialize(manager, dataType, full);
        Shape half = new Shape(n, 2 * width, h / 2, w / 2);
        res2.initialize(manager, dataType, half, emb);
        if (patch == 1) {
            down2.initialize(manager, dataType, half);
            mid.initialize(manager, dataType, new Shape(n, 4 * width, h / 4, w / 4), emb);
            up2.initialize(manager, dataType, new Shape(n, 6 * width, h / 2, w / 2), emb);
        } else {
            mid.initialize(manager, dataType, half, emb);
            up2.initialize(manager, dataType, new Shape(n, 4 * width, h / 2, w / 2), emb);
        }
        up1.initialize(manager, dataType, new Shape(n, 3 * width, h, w), emb);
        outNorm.initialize(manager, dataType, full);
        outConv.initialize(manager, dataType, full);
    }

    /** Residual block with the time embedding added between its two convolutions. */
    static final class Res extends AbstractBlock {
        private final int in;
        private final int out;
        private final GroupNorm norm1;
        private final Block conv1;
        private final Block embProj;
        private final GroupNorm norm2;
        private final Block conv2;
        private final Block skip;

        Res(int in, int out) {
            super(VERSION);
            this.in = in;
            this.out = out;
            norm1 = addChildBlock("norm1", new GroupNorm(in, 4));
            conv1 = addChildBlock("conv1", conv(out, 1));
            embProj = addChildBlock("emb", Linear.builder().setUnits(out).build());
            norm2 = addChildBlock("norm2", new GroupNorm(out, 4));
            conv2 = addChildBlock("conv2", conv(out, 1));
            skip = in == out ? null : addChildBlock("skip", Conv2d.builder().setFilters(out).setKernelShape(new Shape(1, 1)).build());
        }

        NDArray apply(ParameterStore ps, NDArray x, NDArray e, boolean training) {
            return forward(ps, new NDList(x, e), training).head();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.get(0);
            NDArray e = inputs.get(1);
            NDArray h = silu(norm1.forward(ps, new NDList(x), training).head());
            h = conv1.forward(ps, new NDList(h), training).head();
            NDArray te = embProj.forward(ps, new NDList(silu(e)), training).head();
            h = h.add(te.reshape(te.getShape().get(0), out, 1, 1));
            h = silu(norm2.forward(ps, new NDList(h), training).head());
            h = conv2.forward(ps, new NDList(h), training).head();
            NDArray s = skip == null ? x : skip.forward(ps, new NDList(x), training).head();
            return new NDList(h.add(s));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape x = inputShapes[0];
            return new Shape[] {new Shape(x.get(0), out, x.get(2), x.get(3))};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            Shape o = new Shape(x.get(0), out, x.get(2), x.get(3));
            norm1.initialize(manager, dataType, x);
            conv1.initialize(manager, dataType, x);
            embProj.initialize(manager, dataType, inputShapes[1]);
            norm2.initialize(manager, dataType, o);
            conv2.initialize(manager, dataType, o);
            if (skip != null) {
                skip.initialize(manager, dataType, x);
            }
        }
    }

    /**
     * Group normalisation (Wu and He 2018): the channels are split into {@code groups}; each image's values of
     * a group are normalised to mean 0, variance 1, then scaled and shifted per channel ({@code gamma, beta}).
     * Unlike batch normalisation it does not depend on the other images of the batch, so training and
     * sampling behave the same. (DJL 0.35 has neither a GroupNorm block nor the operation: {@link TorchOps#groupNorm}
     * runs PyTorch's.)
     */
    public static final class GroupNorm extends AbstractBlock {
        private final int channels;
        private final int groups;
        private final Parameter gamma;
        private final Parameter beta;

        /**
         * @param channels number of channels (divisible by {@code groups})
         * @param groups   number of groups
         */
        public GroupNorm(int channels, int groups) {
            super(VERSION);
            if (groups < 1 || channels % groups != 0) {
                throw new IllegalArgumentException("channels (" + channels + ") must be a multiple of groups (" + groups + ")");
            }
            this.channels = channels;
            this.groups = groups;
            gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA).optShape(new Shape(channels)).build());
            beta = addParameter(Parameter.builder().setName("beta").setType(Parameter.Type.BETA).optShape(new Shape(channels)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.head();
            Shape s = x.getShape();
            if (s.dimension() != 4 || s.get(1) != channels) {
                throw new IllegalArgumentException("GroupNorm(" + channels + ") needs (N, " + channels + ", H, W), got " + s);
            }
            // each (image, group) normalised over the group's channels and pixels, then scaled and shifted per channel
            NDArray ga = ps.getValue(gamma, x.getDevice(), training);
            NDArray be = ps.getValue(beta, x.getDevice(), training);
            return new NDList(TorchOps.groupNorm(x, groups, ga, be, 1e-5));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }
    }
}
