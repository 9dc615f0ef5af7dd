package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of chapter 15 can fail, and says why: wrong answers get the hint for their mistake. */
class Chapter15Test {

    /**
     * The pointer distribution with switchable mistakes: the mask, subtracting the maximum before exp, the tanh,
     * and W applied transposed.
     */
    private static Chapter15.Pointer pointer(boolean mask, boolean stable, boolean tanh, boolean transposed) {
        return (e, d, w1, w2, v, pointed) -> {
            int n = e.length, h = d.length;
            double[] u = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < h; k++) {
                    double z = 0;
                    for (int l = 0; l < h; l++) {
                        z += (transposed ? w1[l][k] : w1[k][l]) * e[j][l] + (transposed ? w2[l][k] : w2[k][l]) * d[l];
                    }
                    u[j] += v[k] * (tanh ? Math.tanh(z) : z);
                }
                if (mask && pointed[j]) {
                    u[j] = Double.NEGATIVE_INFINITY;
                }
                max = Math.max(max, u[j]);
            }
            double sum = 0;
            double[] p = new double[n];
            for (int j = 0; j < n; j++) {
                p[j] = Math.exp(u[j] - (stable ? max : 0));
                sum += p[j];
            }
            for (int j = 0; j < n; j++) {
                p[j] /= sum;
            }
            return p;
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("15.1", pointer(true, true, true, false));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void missingMaskFailsWithItsHint() {
        Report r = Exercise.run("15.1", pointer(false, true, true, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("must get probability 0"), r.toString());
        assertTrue(r.toString().contains("✓ 5 positions, state size 4, 0 already pointed at"), "nothing to mask, passes: " + r);
    }

    @Test
    void overflowingSoftmaxFailsOnLargeScores() {
        Report r = Exercise.run("15.1", pointer(true, false, true, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("subtract the largest unmasked score"), r.toString());
    }

    @Test
    void transposedWeightsAndMissingTanhFailWithTheirHints() {
        Report t = Exercise.run("15.1", pointer(true, true, true, true));
        assertFalse(t.passed());
        assertTrue(t.toString().contains("transposed"), t.toString());
        Report noTanh = Exercise.run("15.1", pointer(true, true, false, false));
        assertFalse(noTanh.passed());
        assertTrue(noTanh.toString().contains("the tanh is missing"), noTanh.toString());
    }

    @Test
    void scoresWithoutSoftmaxAndMaskAfterSoftmaxAreExplained() {
        Chapter15.Pointer scores = (e, d, w1, w2, v, pointed) -> new double[e.length];
        Report r = Exercise.run("15.1", scores);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("a distribution sums to 1"), r.toString());
        Chapter15.Pointer after = (e, d, w1, w2, v, pointed) -> {
            double[] p = pointer(false, true, true, false).apply(e, d, w1, w2, v, pointed);
            for (int j = 0; j < p.length; j++) {
                p[j] = pointed[j] ? 0 : p[j];
            }
            return p;
        };
        Report a = Exercise.run("15.1", after);
        assertFalse(a.passed());
        assertTrue(a.toString().contains("mask before the softmax"), a.toString());
    }
}
