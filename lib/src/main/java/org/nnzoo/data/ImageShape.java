package org.nnzoo.data;

/**
 * The shape of one image, channels first: {@code (channels, height, width)}, as DJL's convolutions read a
 * batch {@code (N, C, H, W)}. Every image model takes one ({@code ConvAutoencoder}, {@code Gan}, {@code UNet},
 * {@code Ddpm}'s training data and sampler, {@code SampleQuality}), so nothing is sized for MNIST by accident;
 * {@link #MNIST} is {@code 1x28x28}, a CIFAR-10 image would be {@code new ImageShape(3, 32, 32)}.
 *
 * <p>Images are handed around as flat {@code float[]} arrays, image after image, each image channel after
 * channel, each channel row after row ({@link #size()} values per image).
 *
 * @param channels 1 for grey, 3 for colour
 * @param height   rows
 * @param width    columns
 */
public record ImageShape(int channels, int height, int width) {

    /** MNIST and Fashion-MNIST: one channel, 28x28. */
    public static final ImageShape MNIST = new ImageShape(1, 28, 28);

    /** @throws IllegalArgumentException if a dimension is not positive */
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("an image shape needs positive channels, height and width, got ("
                    + channels + ", " + height + ", " + width + ")");
        }
    }

    /**
     * @param image a shape given to a model
     * @return {@code image}
     * @throws IllegalArgumentException if it is null, saying what to give
     */
    public static ImageShape required(ImageShape image) {
        if (image == null) {
            throw new IllegalArgumentException("the image shape must not be null: give the images' (C, H, W), e.g. ImageShape.MNIST,"
                    + " new ImageShape(3, 32, 32) or imageSet.shape()");
        }
        return image;
    }

    /** @return values per image, {@code C * H * W} */
    public int size() {
        return Math.multiplyExact(channels, Math.multiplyExact(height, width));
    }

    /** @return the dimensions of a batch of {@code n} images, {@code (n, C, H, W)}, e.g. for DJL's {@code new Shape(..)} */
    public long[] batch(long n) {
        return new long[] {n, channels, height, width};
    }

    /**
     * @param values images one after another, {@link #size()} values each
     * @param what   the argument's name, for the message
     * @return the number of images in {@code values}
     * @throws IllegalArgumentException if {@code values} is null, empty or not a whole number of images
     */
    public int count(float[] values, String what) {
        if (values == null || values.length == 0 || values.length % size() != 0) {
            throw new IllegalArgumentException(what + " has " + (values == null ? "no" : values.length)
                    + " values, not a whole number of " + this + " images (" + size() + " values each)");
        }
        return values.length / size();
    }

    /**
     * Checks that height and width are multiples of {@code k}, for a network that halves the resolution and
     * must give it back exactly.
     *
     * @param model what needs it, e.g. {@code "UNet"}
     * @param why   the reason, e.g. {@code "two 2x downsamplings undone by two 2x upsamplings"}
     * @return this shape
     */
    public ImageShape requireMultipleOf(int k, String model, String why) {
        if (height % k != 0 || width % k != 0) {
            throw new IllegalArgumentException(model + " needs height and width that are multiples of " + k + " (" + why
                    + "), got " + this + "; crop or pad the images, e.g. to "
                    + new ImageShape(channels, roundUp(height, k), roundUp(width, k)));
        }
        return this;
    }

    private static int roundUp(int v, int k) {
        return (v + k - 1) / k * k;
    }

    /** @return {@code CxHxW}, e.g. {@code 1x28x28} */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
