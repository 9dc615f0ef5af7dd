package org.nnzoo.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.nnzoo.data.ImageSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * How much a trained {@link Snn.Network} spikes on a set of images: the spikes per neuron per sample of each
 * layer (little work on event-driven hardware means few spikes), how often the top output spike count is tied,
 * the accuracy a plain argmax over spike counts would have (ties to the lower class index), and the output
 * layer's spike raster for the first few images.
 *
 * @param widths          the widths of the spiking layers, hidden then output
 * @param steps           the network's time steps T
 * @param spikeTotals     the total number of spikes of each layer over all images
 * @param samples         the number of images
 * @param tiedSamples     images whose highest output spike count is shared by two or more classes
 * @param countOnlyCorrect images a plain argmax over the spike counts (ties to the lower index) gets right
 * @param outputRasters   for each of the first images: the output spikes {@code (T, outputs)}, row-major
 */
public record SnnActivity(int[] widths, int steps, double[] spikeTotals, long samples, long tiedSamples,
        long countOnlyCorrect, List<float[]> outputRasters) {

    /**
     * Runs the network over {@code images} in batches and counts its spikes.
     *
     * @param manager the manager the batches' arrays are made under (closed batch by batch)
     * @param batch   images per forward pass
     * @param shown   how many of the first images' output rasters to keep
     */
    public static SnnActivity measure(Snn.Network snn, NDManager manager, ImageSet images, int batch, int shown) {
        if (batch < 1 || shown < 0) {
            throw new IllegalArgumentException("batch must be positive and shown not negative, got " + batch + ", " + shown);
        }
        int[] widths = snn.widths();
        int layers = widths.length;
        int outputs = widths[layers - 1];
        int steps = snn.steps();
        int features = images.channels() * images.rows() * images.cols();
        int[] truth = images.labels();
        double[] spikeTotals = new double[layers];
        long samples = 0;
        long tied = 0;
        long countOnlyCorrect = 0;
        List<float[]> rasters = new ArrayList<>();
        float[] px = images.pixels();
        try (NDManager m = manager.newSubManager()) {
            for (int from = 0; from < images.count(); from += batch) {
                int n = Math.min(batch, images.count() - from);
                try (NDManager bm = m.newSubManager()) {
                    NDArray x = bm.create(Arrays.copyOfRange(px, from * features, (from + n) * features),
                            new Shape(n, images.channels(), images.rows(), images.cols()));
                    NDList rec = snn.record(x);
                    // rec: counts, input (DIRECT: intensities), spikes of each layer, output membrane
                    for (int l = 0; l < layers; l++) {
                        spikeTotals[l] += rec.get(l + 2).sum().getFloat();
                    }
                    samples += n;
                    NDArray counts = rec.get(0);
                    NDArray isTop = counts.eq(counts.max(new int[] {1}, true)).toType(DataType.INT32, false);
                    tied += isTop.sum(new int[] {1}).gt(1).toType(DataType.INT64, false).sum().getLong();
                    int[] countArgmax = counts.argMax(1).toType(DataType.INT32, false).toIntArray(); // ties: lowest index
                    for (int i = 0; i < n; i++) {
                        if (countArgmax[i] == truth[from + i]) {
                            countOnlyCorrect++;
                        }
                    }
                    if (rasters.size() < shown) {
                        float[] out = rec.get(layers + 1).toFloatArray(); // (T, n, outputs)
                        for (int i = 0; i < n && rasters.size() < shown; i++) {
                            float[] one = new float[steps * outputs];
                            for (int t = 0; t < steps; t++) {
                                System.arraycopy(out, (t * n + i) * outputs, one, t * outputs, outputs);
                            }
                            rasters.add(one);
                        }
                    }
                }
            }
        }
        return new SnnActivity(widths, steps, spikeTotals, samples, tied, countOnlyCorrect, List.copyOf(rasters));
    }

    /** @return the mean number of spikes per neuron per image of spiking layer {@code layer} (0: first hidden) */
    public double spikesPerNeuron(int layer) {
        return spikeTotals[layer] / samples / widths[layer];
    }

    /** @return the fraction of images whose top output spike count is tied */
    public double tiedFraction() {
        return tiedSamples / (double) samples;
    }

    /** @return the accuracy of a plain argmax over the output spike counts (ties to the lower class index) */
    public double countOnlyAccuracy() {
        return countOnlyCorrect / (double) samples;
    }
}
