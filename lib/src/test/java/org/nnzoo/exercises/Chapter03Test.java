package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.ScratchConv2d;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The checks of chapter 3 can fail, and say why: wrong answers get the hint for their mistake. */
class Chapter03Test {

    /** A right answer built from the reference, with one mistake switched on. */
    private static Chapter03.Conv conv(boolean flip, boolean bias, int extraRows) {
        return (x, w, b, stride, padding) -> {
            int c = x.length, h = x[0].length, f = w.length, k = w[0][0].length;
            float[] xs = Arrays3.flatten(x);
            float[] ws = new float[f * c * k * k];
            for (int o = 0; o < f; o++) {
                float[] one = Arrays3.flatten(w[o]);
                for (int i = 0; i < one.length; i++) {
                    int kernel = i / (k * k), u = i / k % k, v = i % k;
                    ws[o * one.length + i] = flip ? w[o][kernel][k - 1 - u][k - 1 - v] : one[i];
                }
            }
            int oh = ScratchConv2d.outputSize(h, k, stride, padding);
            float[] y = ScratchConv2d.conv2d(xs, 1, c, h, h, ws, f, k, k, bias ? b : null, stride, padding);
            return Arrays3.unflatten(java.util.Arrays.copyOf(y, f * (oh + extraRows) * oh), f, oh + extraRows, oh);
        };
    }

    @Test
    void rightAnswerPasses() {
        assertTrue(Exercise.run("3.1", conv(false, true, 0)).passed());
    }

    @Test
    void flippedKernelFailsWithItsHint() {
        Report r = Exercise.run("3.1", conv(true, true, 0));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("you flipped the kernel"), r.toString());
    }

    @Test
    void missingBiasFailsWithItsHint() {
        Report r = Exercise.run("3.1", conv(false, false, 0));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the bias b[f] is missing"), r.toString());
        assertTrue(r.toString().contains("element ["), r.toString());
    }

    @Test
    void wrongShapeNamesTheShapeAndTheFormula() {
        Report r = Exercise.run("3.1", conv(false, true, 1));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("output shape") && r.toString().contains("(H + 2p - k) / s + 1"), r.toString());
    }

    @Test
    void poolingFromZeroFailsOnNegativeInputs() {
        Chapter03.MaxPool zeroStart = (x, k, s) -> {
            int c = x.length, o = (x[0].length - k) / s + 1;
            float[][][] y = new float[c][o][o];
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < o; i++) {
                    for (int j = 0; j < o; j++) {
                        float m = 0;
                        for (int u = 0; u < k; u++) {
                            for (int v = 0; v < k; v++) {
                                m = Math.max(m, x[ch][i * s + u][j * s + v]);
                            }
                        }
                        y[ch][i][j] = m;
                    }
                }
            }
            return y;
        };
        Report r = Exercise.run("3.2", zeroStart);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("NEGATIVE_INFINITY"), r.toString());
    }

    @Test
    void skeletonIsNotAttemptedAndWrongTypeOrIdIsExplained() {
        Report todo = Exercise.run("3.1", (Chapter03.Conv) (x, w, b, s, p) -> {
            throw Exercise.todo();
        });
        assertFalse(todo.attempted());
        Report wrongType = Exercise.run("3.1", (Chapter03.MaxPool) (x, k, s) -> x);
        assertTrue(wrongType.toString().contains("expects a org.nnzoo.exercises.Chapter03.Conv"), wrongType.toString());
        Report threw = Exercise.run("3.1", (Chapter03.Conv) (x, w, b, s, p) -> new float[1][1][x[5].length]);
        assertTrue(threw.toString().contains("ArrayIndexOutOfBoundsException"), threw.toString());
        assertThrows(IllegalArgumentException.class, () -> Exercise.run("3.9", null));
        assertThrows(IllegalArgumentException.class, () -> Exercise.run("three", null));
    }
}
