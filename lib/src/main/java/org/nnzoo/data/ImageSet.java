package org.nnzoo.data;

import java.util.Arrays;

/**
 * An immutable set of labelled images of one {@link ImageShape}, such as an MNIST split (grey, 1x28x28).
 *
 * <p>Pixels are stored as unsigned bytes (0 = background, 255 = full ink), one image after another, each
 * image channel after channel, each channel row-major. Accessors return copies, so callers may modify what
 * they get.
 */
public final class ImageSet {

    private final String name;
    private final int count;
    private final ImageShape shape;
    private final byte[] pixels;
    private final int[] labels;
    private final String[] classNames;

    /**
     * A grey-scale (one-channel) image set.
     *
     * @param name a short description, e.g. {@code mnist/train}
     * @param rows image height
     * @param cols image width
     * @param pixels {@code count * rows * cols} unsigned bytes (copied)
     * @param labels one label per image, each in {@code [0, classNames.length)} (copied)
     * @param classNames the name of each class (copied)
     * @throws DataException if the sizes disagree or a label is out of range
     */
    public ImageSet(String name, int rows, int cols, byte[] pixels, int[] labels, String[] classNames) {
        this(name, greyShape(name, rows, cols), pixels, labels, classNames);
    }

    /**
     * @param name a short description, e.g. {@code cifar10/train}
     * @param shape the shape of every image, e.g. {@code new ImageShape(3, 32, 32)}
     * @param pixels {@code count * shape.size()} unsigned bytes, each image channel after channel (copied)
     * @param labels one label per image, each in {@code [0, classNames.length)} (copied)
     * @param classNames the name of each class (copied)
     * @throws DataException if the sizes disagree or a label is out of range
     */
    public ImageSet(String name, ImageShape shape, byte[] pixels, int[] labels, String[] classNames) {
        this(name, shape, pixels.clone(), labels.clone(), classNames.clone(), true);
    }

    private static ImageShape greyShape(String name, int rows, int cols) {
        if (rows <= 0 || cols <= 0) {
            throw new DataException(name + ": images of " + rows + "x" + cols + " pixels are not possible.");
        }
        return new ImageShape(1, rows, cols);
    }

    private ImageSet(String name, ImageShape shape, byte[] pixels, int[] labels, String[] classNames,
                     boolean check) {
        this.name = name;
        this.count = labels.length;
        this.shape = shape;
        this.pixels = pixels;
        this.labels = labels;
        this.classNames = classNames;
        if (check) {
            if ((long) count * shape.size() != pixels.length) {
                throw new DataException(name + ": " + pixels.length + " pixel bytes do not make "
                        + count + " images of " + describe(shape) + ".");
            }
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] >= classNames.length) {
                    throw new DataException(name + ": label " + labels[i] + " of item " + i
                            + " is outside 0.." + (classNames.length - 1) + ".");
                }
            }
        }
    }

    /**
     * Builds an image set from an images IDX array (n x rows x cols) and a labels IDX array (n).
     *
     * @param name a short description used in messages
     * @param images the images
     * @param labels the labels
     * @param classNames the class names
     * @return the image set
     * @throws DataException if the shapes are wrong, the counts differ or a label is out of range
     */
    public static ImageSet of(String name, Idx images, Idx labels, String[] classNames) {
        if (images.dims().length != 3) {
            throw new DataException(name + ": the images file must have 3 dimensions (count x rows x cols),"
                    + " but it has shape " + images.shape() + ".");
        }
        if (labels.dims().length != 1) {
            throw new DataException(name + ": the labels file must have 1 dimension, but it has shape "
                    + labels.shape() + ".");
        }
        if (images.count() != labels.count()) {
            throw new DataException(name + ": the images file has " + images.count()
                    + " images but the labels file has " + labels.count()
                    + " labels; they must match. One of the files is from another data set or version.");
        }
        byte[] lb = labels.data();
        int[] ls = new int[lb.length];
        for (int i = 0; i < lb.length; i++) {
            ls[i] = lb[i] & 0xFF;
        }
        return new ImageSet(name, greyShape(name, images.dims()[1], images.dims()[2]), images.data(), ls,
                classNames.clone(), true);
    }

    /** @return a short description, e.g. {@code mnist/train} */
    public String name() {
        return name;
    }

    /** @return the number of images */
    public int count() {
        return count;
    }

    /** @return the shape of every image, (channels, height, width) */
    public ImageShape shape() {
        return shape;
    }

    /** @return channels per image (1 for grey) */
    public int channels() {
        return shape.channels();
    }

    /** @return image height */
    public int rows() {
        return shape.height();
    }

    /** @return image width */
    public int cols() {
        return shape.width();
    }

    /** @return all pixels scaled to [0, 1], {@code count * shape().size()} values (a new array) */
    public float[] pixels() {
        float[] out = new float[pixels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return out;
    }

    /** @return one image's pixels scaled to [0, 1], {@code shape().size()} values (a new array) */
    public float[] image(int index) {
        int size = shape.size();
        float[] out = new float[size];
        int base = checkIndex(index) * size;
        for (int i = 0; i < size; i++) {
            out[i] = (pixels[base + i] & 0xFF) / 255f;
        }
        return out;
    }

    /** @return all pixels as unsigned bytes 0..255 (a copy; use {@code b & 0xFF}) */
    public byte[] rawPixels() {
        return pixels.clone();
    }

    /** @return the labels (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /** @return the label of one image */
    public int label(int index) {
        return labels[checkIndex(index)];
    }

    /** @return the class names, indexed by label (a copy) */
    public String[] classNames() {
        return classNames.clone();
    }

    /** @return how many images each class has, indexed by label */
    public int[] classCounts() {
        int[] counts = new int[classNames.length];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /** @return the first {@code n} images (all of them if there are fewer) */
    public ImageSet limit(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("limit must be >= 0: " + n);
        }
        int m = Math.min(n, count);
        return new ImageSet(name, shape, Arrays.copyOf(pixels, m * shape.size()),
                Arrays.copyOf(labels, m), classNames, false);
    }

    /**
     * @return images {@code from} (inclusive) to {@code to} (exclusive), e.g. to hold out the last 5,000
     *         training images for validation
     */
    public ImageSet range(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is not within 0.." + count);
        }
        int size = shape.size();
        return new ImageSet(name, shape, Arrays.copyOfRange(pixels, from * size, to * size),
                Arrays.copyOfRange(labels, from, to), classNames, false);
    }

    /** @return the images whose label is one of {@code keepLabels}, in their original order */
    public ImageSet filter(int... keepLabels) {
        boolean[] keep = new boolean[classNames.length];
        for (int l : keepLabels) {
            if (l < 0 || l >= keep.length) {
                throw new IllegalArgumentException("no such label: " + l + " (labels are 0.."
                        + (keep.length - 1) + ")");
            }
            keep[l] = true;
        }
        int[] idx = new int[count];
        int m = 0;
        for (int i = 0; i < count; i++) {
            if (keep[labels[i]]) {
                idx[m++] = i;
            }
        }
        return subset(Arrays.copyOf(idx, m));
    }

    /** @return the images at {@code indices}, in that order (repeats allowed) */
    public ImageSet subset(int[] indices) {
        int size = shape.size();
        byte[] px = new byte[indices.length * size];
        int[] ls = new int[indices.length];
        for (int j = 0; j < indices.length; j++) {
            int i = checkIndex(indices[j]);
            System.arraycopy(pixels, i * size, px, j * size, size);
            ls[j] = labels[i];
        }
        return new ImageSet(name, shape, px, ls, classNames, false);
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("image index " + index + " out of 0.." + (count - 1));
        }
        return index;
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ", " + count + " x " + describe(shape) + ", "
                + classNames.length + " classes]";
    }

    /** {@code 28x28} for grey images (as it always read), {@code 3x32x32} for colour. */
    private static String describe(ImageShape s) {
        return s.channels() == 1 ? s.height() + "x" + s.width() : s.toString();
    }
}
