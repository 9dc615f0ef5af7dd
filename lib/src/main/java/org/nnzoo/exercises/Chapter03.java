package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.models.ScratchConv2d;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 3 (LeNet-5): a convolution and a max-pooling layer in loops, checked against {@link ScratchConv2d}. */
public final class Chapter03 {

    private Chapter03() {
    }

    /** Exercise 3.1: one image {@code x[c][h][w]}, kernels {@code w[f][c][kh][kw]}, bias {@code b[f]} → {@code y[f][oh][ow]}. */
    @FunctionalInterface
    public interface Conv {
        float[][][] apply(float[][][] x, float[][][][] w, float[] b, int stride, int padding);
    }

    /** Exercise 3.2: max-pooling of one image {@code x[c][h][w]} with {@code k x k} windows {@code stride} apart. */
    @FunctionalInterface
    public interface MaxPool {
        float[][][] apply(float[][][] x, int k, int stride);
    }

    /** The cases of 3.1: channels, size, filters, kernel, stride, padding. */
    private static final int[][] CONV_CASES = {
        {1, 5, 1, 3, 1, 0}, {1, 6, 2, 3, 1, 1}, {3, 7, 4, 3, 2, 1}, {2, 8, 3, 5, 1, 2}, {3, 9, 2, 2, 3, 0},
    };

    @Checks("3.1")
    public static Report conv(Conv answer) {
        Report r = new Report("3.1");
        SplittableRandom rnd = new SplittableRandom(31);
        for (int[] cs : CONV_CASES) {
            int c = cs[0], h = cs[1], f = cs[2], k = cs[3], s = cs[4], p = cs[5];
            float[] x = random(rnd, c * h * h);
            float[] w = random(rnd, f * c * k * k);
            float[] b = random(rnd, f);
            String what = String.format("%d channel(s) %dx%d, %d filter(s) %dx%d, stride %d, padding %d", c, h, h, f, k, k, s, p);
            float[][][] got = answer.apply(Arrays3.unflatten(x, c, h, h), Arrays3.unflatten4(w, f, c, k, k), b.clone(), s, p);
            int o = ScratchConv2d.outputSize(h, k, s, p);
            float[] expected = ScratchConv2d.conv2d(x, 1, c, h, h, w, f, k, k, b, s, p);
            if (!Arrays3.shapeIs(r, what, got, f, o, o)) {
                r.hint(true, "the output side is (H + 2p - k) / s + 1 (integer division) = " + o + " here");
                continue;
            }
            float[] flat = Arrays3.flatten(got);
            if (!r.compare(what, flat, expected, 1e-4)) {
                float[] flipped = ScratchConv2d.conv2d(x, 1, c, h, h, flip(w, f * c, k), f, k, k, b, s, p);
                float[] noBias = ScratchConv2d.conv2d(x, 1, c, h, h, w, f, k, k, null, s, p);
                r.hint(Arrays3.close(flat, flipped), "you flipped the kernel: layers compute cross-correlation, w[u][v] meets x[i*s+u-p][j*s+v-p]");
                r.hint(Arrays3.close(flat, noBias), "the bias b[f] is missing");
            }
        }
        return r;
    }

    @Checks("3.2")
    public static Report maxPool(MaxPool answer) {
        Report r = new Report("3.2");
        SplittableRandom rnd = new SplittableRandom(32);
        int[][] cases = {{1, 4, 2, 2}, {2, 6, 2, 2}, {3, 7, 3, 2}, {1, 5, 2, 1}};
        for (int[] cs : cases) {
            int c = cs[0], h = cs[1], k = cs[2], s = cs[3];
            float[] x = random(rnd, c * h * h);
            for (int i = 0; i < x.length; i++) {
                x[i] -= 2;  // all negative: an accumulator that starts at 0 instead of -infinity shows
            }
            String what = String.format("%d channel(s) %dx%d, window %d, stride %d (all inputs negative)", c, h, h, k, s);
            int o = ScratchConv2d.outputSize(h, k, s, 0);
            float[][][] got = answer.apply(Arrays3.unflatten(x, c, h, h), k, s);
            if (!Arrays3.shapeIs(r, what, got, c, o, o)) {
                r.hint(true, "the output side is (H - k) / s + 1 = " + o + " here");
                continue;
            }
            float[] flat = Arrays3.flatten(got);
            if (!r.compare(what, flat, ScratchConv2d.maxPool2d(x, 1, c, h, h, k, s), 0)) {
                boolean zeros = true;
                for (float v : flat) {
                    zeros &= v == 0;
                }
                r.hint(zeros, "every output is 0: start each window's maximum at Float.NEGATIVE_INFINITY (or its first value), not at 0");
            }
        }
        return r;
    }

    private static float[] flip(float[] w, int kernels, int k) {
        float[] out = new float[w.length];
        for (int n = 0; n < kernels; n++) {
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    out[(n * k + u) * k + v] = w[(n * k + (k - 1 - u)) * k + (k - 1 - v)];
                }
            }
        }
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }
}
