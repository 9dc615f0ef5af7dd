package org.nnzoo.viz;

import java.awt.image.BufferedImage;
import java.util.function.IntFunction;

import org.nnzoo.data.ImageSet;

/**
 * A few images of a data set in a grid, each with a caption: the first images of a training set, or the
 * misclassified ones of a test set. One line in a notebook instead of building index and caption arrays:
 * <pre>
 * Show.show(Samples.grid(train, Samples.first(10), i -&gt; "label " + train.label(i)));
 * </pre>
 */
public final class Samples {

    /** Images per grid row. */
    public static final int PER_ROW = 10;
    /** Pixel magnification. */
    public static final int SCALE = 2;

    private Samples() {
    }

    /** @return the indices {@code 0, 1, ..., n-1} */
    public static int[] first(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = i;
        }
        return out;
    }

    /**
     * @param images  the data set
     * @param indices which of its images to draw, in order
     * @param caption the caption of the image with a given index (e.g. {@code i -> "label " + images.label(i)})
     * @return the images {@link #PER_ROW} to a row, magnified {@link #SCALE} times, each with its caption
     */
    public static BufferedImage grid(ImageSet images, int[] indices, IntFunction<String> caption) {
        String[] captions = new String[indices.length];
        for (int k = 0; k < indices.length; k++) {
            captions[k] = caption.apply(indices[k]);
        }
        return Charts.imageGrid(images.pixels(), images.shape(), indices, captions, PER_ROW, SCALE);
    }
}
