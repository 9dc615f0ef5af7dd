package org.nnzoo.viz;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import org.knowm.xchart.XYChart;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.ImageShape;
import org.nnzoo.models.SampleQuality;

/**
 * The images the chapters show and their scores: a few images of a data set in a grid, each with a caption (the
 * first images of a training set, or the misclassified ones of a test set), and what the generative chapters
 * (autoencoder, GAN, diffusion) show: grids of MNIST-sized images, rows of images from several sources, and the
 * sample-quality table and class histogram of {@link SampleQuality} reports, one row per image source.
 * <pre>
 * Show.show(Samples.grid(train, Samples.first(10), i -&gt; "label " + train.label(i)));
 * </pre>
 */
public final class Samples {

    /** Images per grid row. */
    public static final int PER_ROW = 10;
    /** Pixel magnification. */
    public static final int SCALE = 2;
    private static final int SIDE = 28;
    private static final int PIXELS = SIDE * SIDE;

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

    /**
     * A grid of every 28x28 image in {@code pixels}, drawn at twice their size.
     *
     * @param pixels   images one after another, 784 values each, in [0, 1]
     * @param perRow   images per row of the grid
     * @param captions one caption per image, or null
     */
    public static BufferedImage grid(float[] pixels, int perRow, String[] captions) {
        ImageShape.MNIST.count(pixels, "pixels");
        return Charts.imageGrid(pixels, SIDE, SIDE, IntStream.range(0, pixels.length / PIXELS).toArray(), captions, perRow, 2);
    }

    /**
     * The first {@code n} images of each set, set after set: drawn with {@code perRow = n}, each set is a row
     * (e.g. inputs, reconstructions, a baseline's reconstructions).
     *
     * @param n    images taken from each set
     * @param sets images one after another, 784 values each, at least {@code n} per set
     */
    public static float[] rows(int n, float[]... sets) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        float[] out = new float[sets.length * n * PIXELS];
        for (int s = 0; s < sets.length; s++) {
            if (sets[s].length < n * PIXELS) {
                throw new IllegalArgumentException("set " + s + " has " + sets[s].length / PIXELS + " images, fewer than " + n);
            }
            System.arraycopy(sets[s], 0, out, s * n * PIXELS, n * PIXELS);
        }
        return out;
    }

    /**
     * The sample-quality table: one row per image source with its Frechet distance, inception-like score, mean
     * entropy of {@code p(y|x)}, mean top probability and histogram of predicted classes.
     *
     * @param images  the number of images scored per source (the heading says it; the Frechet distance depends on it)
     * @param reports the reports by row name, in row order
     * @return an HTML table
     */
    public static String qualityTable(int images, Map<String, SampleQuality.Report> reports) {
        StringBuilder table = new StringBuilder("<table><tr><th>images (" + images + " each)</th><th>Frechet distance</th>"
                + "<th>inception-like score</th><th>mean entropy p(y|x)</th><th>mean top probability</th>"
                + "<th>class histogram 0..9</th></tr>");
        reports.forEach((name, r) -> table.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td>%.2f</td><td>%.2f</td><td>%.3f</td><td>%.3f</td><td>%s</td></tr>",
                Tables.escape(name), r.frechet(), r.inceptionScore(), r.meanEntropy(), r.meanConfidence(),
                Arrays.toString(r.histogram()))));
        return table.append("</table>").toString();
    }

    /**
     * The share of each predicted class per image source, one line per source (mode collapse shows as a
     * skewed line).
     *
     * @param title   the chart's title
     * @param images  the number of images scored per source
     * @param reports the reports by line name
     */
    public static XYChart classHistogram(String title, int images, Map<String, SampleQuality.Report> reports) {
        double[] classes = IntStream.range(0, 10).mapToDouble(i -> i).toArray();
        Map<String, double[]> series = new LinkedHashMap<>();
        reports.forEach((name, r) -> series.put(name, Arrays.stream(r.histogram()).mapToDouble(c -> c / (double) images).toArray()));
        return Charts.lines(title, "digit", "share of images", classes, series);
    }
}
