package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 10.1 passes the right upsampling and names the usual mistakes. */
class Chapter10Test {

    /** Upsampling: 0 repeat each pixel (right), 1 tile the image, 2 only the top-left corner of each block. */
    private static Chapter10.Upsample up(int kind) {
        return x -> {
            int c = x.length, h = x[0].length, w = x[0][0].length;
            float[][][] y = new float[c][2 * h][2 * w];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < 2 * h; i++) {
                    for (int j = 0; j < 2 * w; j++) {
                        y[ch][i][j] = switch (kind) {
                            case 1 -> x[ch][i % h][j % w];
                            case 2 -> i % 2 == 0 && j % 2 == 0 ? x[ch][i / 2][j / 2] : 0f;
                            default -> x[ch][i / 2][j / 2];
                        };
                    }
                }
            }
            return y;
        };
    }

    @Test
    void upsamplingPassesAndItsMistakesAreNamed() {
        assertTrue(Exercise.run("10.1", up(0)).passed(), Exercise.run("10.1", up(0)).toString());
        Report tiled = Exercise.run("10.1", up(1));
        assertFalse(tiled.passed());
        assertTrue(tiled.toString().contains("you tiled the image"), tiled.toString());
        Report corner = Exercise.run("10.1", up(2));
        assertFalse(corner.passed());
        assertTrue(corner.toString().contains("only one value per 2x2 block"), corner.toString());
        Report shape = Exercise.run("10.1", (Chapter10.Upsample) x -> x);
        assertFalse(shape.passed());
        assertTrue(shape.toString().contains("c x 2h x 2w"), shape.toString());
    }
}
