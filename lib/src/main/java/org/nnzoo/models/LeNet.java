package org.nnzoo.models;

import java.util.function.Function;

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
 * LeNet-5, the convolutional network that read handwritten digits and cheques: two convolution + pooling
 * stages extract local features, three fully connected layers classify them.
 *
 * <p>Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to document
 * recognition", Proc. IEEE 86(11), 1998. Convolutional networks trained by backpropagation: Y. LeCun et al.,
 * "Backpropagation applied to handwritten zip code recognition", Neural Computation 1(4), 1989.
 *
 * <p>Layout for a {@code (N, 1, 28, 28)} batch (the 1998 paper padded the digits to 32x32; a 5x5 convolution
 * with padding 2 on 28x28 gives the same 28x28 C1 maps):
 * <pre>
 * C1 conv 5x5, 6 maps, pad 2  -> (6, 28, 28)    S2 pool 2x2 -> (6, 14, 14)
 * C3 conv 5x5, 16 maps        -> (16, 10, 10)   S4 pool 2x2 -> (16, 5, 5)
 * flatten 400 -> F5 120 -> F6 84  ==  the feature extractor, 84 penultimate features
 * output 10 logits            ==  the classifier head
 * </pre>
 * {@link Variant#MODERN} uses ReLU and max-pooling (what is trained today); {@link Variant#ORIGINAL} uses
 * sigmoid and average pooling, close to the 1998 network (which had scaled tanh, trainable subsampling,
 * a partial C3 connection table and RBF outputs; those details are left out).
 *
 * <p>The network is {@code SequentialBlock[features, head]}: {@link #features(Block)} returns the trained
 * feature extractor (e.g. to compute Frechet distances on its 84-dimensional penultimate activations),
 * {@link #head(Block)} the final linear layer. The output is logits; train with
 * {@code Loss.softmaxCrossEntropyLoss()}. The convolutions take any number of input channels and the F5 layer sizes
 * itself on the first batch, so the same network reads {@code (N, C, H, W)} images of any size from 12x12 up
 * ({@link #requireFits}; the paper's 1x32x32 gives 5x5 S4 maps, as in 1998).
 */
public final class LeNet {

    /** Number of penultimate features (the F6 layer). */
    public static final int FEATURES = 84;

    /** The smallest image side: two 5x5 convolutions (the first padded by 2) and two 2x2 poolings leave 1x1 S4 maps at 12. */
    public static final int MIN_SIDE = 12;

    /** Which non-linearity and pooling. */
    public enum Variant {
        /** ReLU and 2x2 max-pooling. */
        MODERN,
        /** Sigmoid and 2x2 average pooling, as in 1998. */
        ORIGINAL
    }

    private LeNet() {
    }

    /** @return LeNet-5 with ReLU and max-pooling for 10 classes */
    public static SequentialBlock build() {
        return build(Variant.MODERN, 10);
    }

    /**
     * @param variant ReLU/max-pool or sigmoid/average-pool
     * @param classes number of output logits
     * @return {@code SequentialBlock[features(variant), Linear(classes)]}
     */
    public static SequentialBlock build(Variant variant, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be at least 1, got " + classes);
        }
        return new SequentialBlock().add(features(variant)).add(Linear.builder().setUnits(classes).build());
    }

    /**
     * @return the feature extractor: {@code C1, S2, C3, S4, flatten, F5 (120), F6 (84)}, each followed by the
     *     variant's activation; maps {@code (N, C, H, W)} ({@code (N, 1, 28, 28)} for MNIST) to {@code (N, 84)}
     */
    public static SequentialBlock features(Variant variant) {
        if (variant == null) {
            throw new IllegalArgumentException("variant must be MODERN or ORIGINAL, got null");
        }
        Function<NDList, NDList> act = variant == Variant.MODERN ? Activation::relu : Activation::sigmoid;
        Shape two = new Shape(2, 2);
        Block pool1 = variant == Variant.MODERN ? Pool.maxPool2dBlock(two, two) : Pool.avgPool2dBlock(two, two);
        Block pool2 = variant == Variant.MODERN ? Pool.maxPool2dBlock(two, two) : Pool.avgPool2dBlock(two, two);
        return new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).optPadding(two).setFilters(6).build()).add(act).add(pool1)
                .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(16).build()).add(act).add(pool2)
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(120).build()).add(act)
                .add(Linear.builder().setUnits(FEATURES).build()).add(act);
    }

    /**
     * @return {@code image}, if LeNet can read images of this shape (height and width at least {@link #MIN_SIDE})
     * @throws IllegalArgumentException otherwise, saying why
     */
    public static ImageShape requireFits(ImageShape image) {
        if (image.height() < MIN_SIDE || image.width() < MIN_SIDE) {
            throw new IllegalArgumentException("LeNet needs images of at least " + MIN_SIDE + "x" + MIN_SIDE
                    + " (two 5x5 convolutions and two 2x2 poolings must leave a map), got " + image);
        }
        return image;
    }

    /** @return the feature extractor (first child) of a network made by {@link #build} */
    public static Block features(Block lenet) {
        return child(lenet, 0);
    }

    /** @return the classifier head (second child, the output layer) of a network made by {@link #build} */
    public static Block head(Block lenet) {
        return child(lenet, 1);
    }

    /** @return the first convolution (C1) of a network made by {@link #build}; its weight is (6, 1, 5, 5) */
    public static Block firstConv(Block lenet) {
        return child(features(lenet), 0);
    }

    private static Block child(Block block, int index) {
        if (!(block instanceof SequentialBlock) || block.getChildren().size() <= index) {
            throw new IllegalArgumentException("expected a network made by LeNet.build(...), got "
                    + (block == null ? "null" : block.getClass().getSimpleName() + " with "
                    + block.getChildren().size() + " children"));
        }
        return block.getChildren().get(index).getValue();
    }
}
