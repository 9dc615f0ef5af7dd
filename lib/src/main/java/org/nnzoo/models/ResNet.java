package org.nnzoo.models;

import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The residual network: stacks of blocks that learn a residual {@code F(x)} and add their input back,
 * {@code H(x) = relu(F(x) + x)}, so a block that should do nothing only has to drive {@code F} to zero, and
 * the gradient reaches early layers through the identity paths undiminished.
 *
 * <p>K. He, X. Zhang, S. Ren, J. Sun, "Deep residual learning for image recognition", CVPR 2016
 * (arXiv:1512.03385). Batch normalisation: S. Ioffe, C. Szegedy, ICML 2015.
 *
 * <p>{@link #basicBlock}: two 3x3 convolutions with batch norm, plus a shortcut that is the identity, or a
 * 1x1 convolution with batch norm ("projection", option B of the paper) when the block changes the number of
 * channels or the resolution. {@link Builder} stacks them into stages; each stage after the first halves the
 * resolution with a stride-2 first block and its own width. Ready layouts:
 * <ul>
 *   <li>{@link #small}: the paper's CIFAR family (section 4.2), depth {@code 6n+2}: a 3x3 stem and three
 *       stages of {@code n} blocks at widths {@code w, 2w, 4w}; for 28x28 images the maps are 28, 14, 7.
 *       {@code n = 3, w = 16} is ResNet-20.</li>
 *   <li>{@link #resnet18}: the ImageNet ResNet-18 layout: 7x7/2 stem, 3x3/2 max-pool, four stages of two
 *       blocks at widths 64, 128, 256, 512 (for 224x224 images; it also runs on 28x28, where the last stage
 *       sees 1x1 maps).</li>
 * </ul>
 * {@code shortcuts(false)} builds the same network without the skip connections (the paper's "plain"
 * network), to show the optimisation gap that residuals close. Outputs are logits.
 */
public final class ResNet {

    private ResNet() {
    }

    /**
     * One residual block, {@code relu(BN(conv3x3(relu(BN(conv3x3(x))))) + shortcut(x))}.
     *
     * @param inChannels  channels of the block's input (decides whether a projection is needed)
     * @param outChannels channels of the output
     * @param stride      1, or 2 to halve the resolution
     * @param shortcut    false for a plain block {@code relu(F(x))} without the skip connection
     */
    // excerpt-begin: basic-block
    public static Block basicBlock(int inChannels, int outChannels, int stride, boolean shortcut) {
        // excerpt-skip: argument checks
        positive("inChannels", inChannels);
        positive("outChannels", outChannels);
        if (stride != 1 && stride != 2) {
            throw new IllegalArgumentException("stride must be 1 or 2, got " + stride);
        }
        // excerpt-resume
        SequentialBlock residual = new SequentialBlock()                                   // F(x)
                .add(conv(outChannels, 3, stride)).add(BatchNorm.builder().build()).add(Activation::relu)
                .add(conv(outChannels, 3, 1)).add(BatchNorm.builder().build());
        if (!shortcut) {
            return residual.add(Activation::relu);
        }
        Block skip = stride == 1 && inChannels == outChannels
                ? Blocks.identityBlock()
                : new SequentialBlock().add(conv(outChannels, 1, stride)).add(BatchNorm.builder().build());
        return new ParallelBlock(ResNet::addRelu, List.of(residual, skip));
    }

    /** The join of the two branches: {@code relu(F(x) + shortcut(x))}. */
    private static NDList addRelu(List<NDList> branches) {
        return new NDList(Activation.relu(branches.get(0).singletonOrThrow().add(branches.get(1).singletonOrThrow())));
    }
    // excerpt-end: basic-block

    /** 3x3 (or 1x1) convolution without bias (batch norm follows), "same" padding. */
    private static Block conv(int filters, int kernel, int stride) {
        return StridedConv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false).build();
    }

    /**
     * The CIFAR-style ResNet of depth {@code 6n+2} (section 4.2 of the paper), sized for small images.
     *
     * @param blocksPerStage {@code n}: 1 gives ResNet-8, 3 gives ResNet-20, 9 ResNet-56
     * @param width          channels of the stem and first stage ({@code w}); the stages have w, 2w, 4w
     * @param classes        number of output logits
     * @param shortcuts      false for the plain network of the same depth
     */
    public static SequentialBlock small(int blocksPerStage, int width, int classes, boolean shortcuts) {
        positive("blocksPerStage", blocksPerStage);
        positive("width", width);
        return builder().stem(width, false).stages(new int[] {blocksPerStage, blocksPerStage, blocksPerStage},
                new int[] {width, 2 * width, 4 * width}).classes(classes).shortcuts(shortcuts).build();
    }

    /**
     * A ResNet-8 sized for 28x28 images and a CPU budget: a 3x3 stem of {@code width} channels, a 2x2
     * max-pool (early downsampling), then three stages of one basic block at {@code width, 2 width,
     * 4 width} on 14x14, 7x7 and 4x4 maps. With {@code width = 32}: about the compute of {@code small(1, 16)}
     * (maps twice as small, channels twice as many) and several times its parameters.
     */
    public static SequentialBlock compact(int width, int classes) {
        positive("width", width);
        return builder().stem(width, false).stemPool(true).stages(new int[] {1, 1, 1},
                new int[] {width, 2 * width, 4 * width}).classes(classes).build();
    }

    /** @return ResNet-18 (ImageNet layout) for {@code classes} outputs */
    public static SequentialBlock resnet18(int classes) {
        return builder().stem(64, true).stages(new int[] {2, 2, 2, 2}, new int[] {64, 128, 256, 512})
                .classes(classes).build();
    }

    /**
     * @return the number of weighted layers of a network with these stages: the stem, two convolutions per
     *     block and the output layer (projections not counted, as in the paper)
     */
    public static int depth(int[] blocksPerStage) {
        return 2 + 2 * Arrays.stream(blocksPerStage).sum();
    }

    /** @return a builder for any depth and width */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@code stem, stages of basic blocks, global average pool, linear}. */
    public static final class Builder {
        private int inputChannels = 1;
        private int stemWidth = 16;
        private boolean imageNetStem;
        private boolean stemPool;
        private int[] blocks = {3, 3, 3};
        private int[] widths = {16, 32, 64};
        private int classes = 10;
        private boolean shortcuts = true;

        private Builder() {
        }

        /**
         * Channels of the input images (1 for MNIST, 3 for colour). The network itself takes any {@code (N, C, H, W)}:
         * the stem's convolution sizes its weights on the first batch and the global average pool before the output
         * layer removes {@code H} and {@code W}, as in DJL's {@code ResNetV1} (so this value documents the intent).
         */
        public Builder inputChannels(int c) {
            positive("inputChannels", c);
            this.inputChannels = c;
            return this;
        }

        /**
         * @param width    output channels of the stem
         * @param imageNet true: 7x7 stride-2 convolution and 3x3 stride-2 max-pool (ImageNet);
         *                 false: one 3x3 convolution at full resolution (small images)
         */
        public Builder stem(int width, boolean imageNet) {
            positive("stem width", width);
            this.stemWidth = width;
            this.imageNetStem = imageNet;
            return this;
        }

        /**
         * Early downsampling for small images: a 2x2 max-pool after the 3x3 stem (ignored with the ImageNet
         * stem, which has its own pool), so the first stage already works at half the resolution (14x14 for
         * MNIST). A convolution at 14x14 costs a quarter of one at 28x28, which buys width: a wider network
         * at the same compute learns more per epoch.
         */
        public Builder stemPool(boolean on) {
            this.stemPool = on;
            return this;
        }

        /**
         * @param blocksPerStage number of basic blocks in each stage
         * @param stageWidths    channels of each stage (same length)
         */
        public Builder stages(int[] blocksPerStage, int[] stageWidths) {
            if (blocksPerStage == null || stageWidths == null || blocksPerStage.length == 0
                    || blocksPerStage.length != stageWidths.length) {
                throw new IllegalArgumentException("blocksPerStage and stageWidths must be non-empty and of equal length, got "
                        + Arrays.toString(blocksPerStage) + " and " + Arrays.toString(stageWidths));
            }
            for (int i = 0; i < blocksPerStage.length; i++) {
                positive("blocksPerStage[" + i + "]", blocksPerStage[i]);
                positive("stageWidths[" + i + "]", stageWidths[i]);
            }
            this.blocks = blocksPerStage.clone();
            this.widths = stageWidths.clone();
            return this;
        }

        /** Number of output logits. */
        public Builder classes(int n) {
            positive("classes", n);
            this.classes = n;
            return this;
        }

        /** false: the same network without skip connections (a "plain" network). */
        public Builder shortcuts(boolean on) {
            this.shortcuts = on;
            return this;
        }

        /** @return {@code SequentialBlock[stem, stage 1 .. stage k, head]} */
        public SequentialBlock build() {
            SequentialBlock stem = new SequentialBlock();
            if (imageNetStem) {
                stem.add(StridedConv2d.builder().setFilters(stemWidth).setKernelShape(new Shape(7, 7))
                                .optStride(new Shape(2, 2)).optPadding(new Shape(3, 3)).optBias(false).build())
                        .add(BatchNorm.builder().build()).add(Activation::relu)
                        .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
            } else {
                stem.add(conv(stemWidth, 3, 1)).add(BatchNorm.builder().build()).add(Activation::relu);
                if (stemPool) {
                    stem.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
                }
            }
            SequentialBlock net = new SequentialBlock().add(stem);
            int in = stemWidth;
            for (int s = 0; s < blocks.length; s++) {
                SequentialBlock stage = new SequentialBlock();
                for (int b = 0; b < blocks[s]; b++) {
                    int stride = (b == 0 && s > 0) ? 2 : 1;
                    stage.add(basicBlock(in, widths[s], stride, shortcuts));
                    in = widths[s];
                }
                net.add(stage);
            }
            return net.add(new SequentialBlock().add(Pool.globalAvgPool2dBlock())
                    .add(Linear.builder().setUnits(classes).build()));
        }
    }

    private static void positive(String name, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + v);
        }
    }
}
