package org.nnzoo.exercises;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.nnzoo.models.ConvAutoencoder;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 10 (autoencoders): the decoder's upsampling, checked against {@link ConvAutoencoder#upsample2}. */
public final class Chapter10 {

    private Chapter10() {
    }

    /** Exercise 10.1: nearest-neighbour 2x upsampling of one image {@code x[c][h][w]} to {@code y[c][2h][2w]}. */
    @FunctionalInterface
    public interface Upsample {
        float[][][] apply(float[][][] x);
    }

    /** The cases of 10.1: channels, height, width. */
    private static final int[][] UP_CASES = {{1, 2, 2}, {1, 3, 4}, {2, 7, 7}, {3, 5, 2}};

    @Checks("10.1")
    public static Report upsample(Upsample answer) {
        Report r = new Report("10.1");
        SplittableRandom rnd = new SplittableRandom(101);
        for (int[] cs : UP_CASES) {
            int c = cs[0], h = cs[1], w = cs[2];
            float[] x = new float[c * h * w];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble(-1, 1);
            }
            String what = String.format("%d channel(s) %dx%d", c, h, w);
            float[] expected;
            try (NDManager m = NDManager.newBaseManager()) {
                expected = ConvAutoencoder.upsample2(m.create(x, new Shape(1, c, h, w))).toFloatArray();
            }
            float[][][] got = answer.apply(Arrays3.unflatten(x, c, h, w));
            if (!Arrays3.shapeIs(r, what, got, c, 2 * h, 2 * w)) {
                r.hint(true, "each of the h x w values becomes a 2x2 block: the output is c x 2h x 2w");
                continue;
            }
            float[] flat = Arrays3.flatten(got);
            if (!r.compare(what, flat, expected, 0)) {
                r.hint(Arrays3.close(flat, variant(x, c, h, w, 1)),
                        "you tiled the image (y[i][j] = x[i % h][j % w], the whole image repeated 2x2) instead of repeating "
                                + "each pixel: y[i][j] = x[i / 2][j / 2]");
                r.hint(Arrays3.close(flat, variant(x, c, h, w, 2)),
                        "only one value per 2x2 block is set and the rest stay 0 (that is a stride-2 transposed convolution "
                                + "with a one-hot kernel): nearest-neighbour upsampling copies the value into all four");
            }
        }
        return r;
    }

    /** Wrong upsamplings: 1 tiles the image, 2 puts each value in the top-left corner of its block. */
    private static float[] variant(float[] x, int c, int h, int w, int kind) {
        float[] y = new float[c * 4 * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < 2 * h; i++) {
                for (int j = 0; j < 2 * w; j++) {
                    float v;
                    if (kind == 1) {
                        v = x[(ch * h + i % h) * w + j % w];
                    } else {
                        v = i % 2 == 0 && j % 2 == 0 ? x[(ch * h + i / 2) * w + j / 2] : 0f;
                    }
                    y[(ch * 2 * h + i) * 2 * w + j] = v;
                }
            }
        }
        return y;
    }
}
