package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The checks of chapter 14 can fail, and say why: wrong answers get the hint for their mistake. */
class Chapter14Test {

    /** A TD target with switchable mistakes: no terminal mask, mean instead of max, no discount. */
    private static Chapter14.TdTarget td(boolean mask, boolean max, boolean discount) {
        return (r, done, nextQ, gamma) -> {
            double[] y = new double[r.length];
            for (int j = 0; j < y.length; j++) {
                double best = Double.NEGATIVE_INFINITY;
                double sum = 0;
                for (float q : nextQ[j]) {
                    best = Math.max(best, q);
                    sum += q;
                }
                double v = max ? best : sum / nextQ[j].length;
                y[j] = r[j] + (mask && done[j] ? 0 : (discount ? gamma : 1) * v);
            }
            return y;
        };
    }

    /** A Huber loss with switchable mistakes: the 1/2 of the quadratic part, the -delta/2 of the linear part, mean. */
    private static Chapter14.Huber huber(double half, double offset, boolean mean) {
        return (p, l, delta) -> {
            double total = 0;
            for (int j = 0; j < p.length; j++) {
                double a = Math.abs((double) p[j] - l[j]);
                total += a <= delta ? half * a * a : delta * (a - offset * delta);
            }
            return mean ? total / p.length : total;
        };
    }

    @Test
    void rightTdTargetPasses() {
        Report r = Exercise.run("14.1", td(true, true, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void bootstrappingThroughTerminationFailsWithItsHint() {
        Report r = Exercise.run("14.1", td(false, true, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("a terminated transition has no future"), r.toString());
        assertTrue(r.toString().contains("✓ 4 transitions"), "the case without terminations passes: " + r);
    }

    @Test
    void meanInsteadOfMaxAndMissingGammaFailWithTheirHints() {
        Report mean = Exercise.run("14.1", td(true, false, true));
        assertFalse(mean.passed());
        assertTrue(mean.toString().contains("not their mean"), mean.toString());
        Report noGamma = Exercise.run("14.1", td(true, true, false));
        assertFalse(noGamma.passed());
        assertTrue(noGamma.toString().contains("gamma is missing"), noGamma.toString());
    }

    @Test
    void rightHuberPasses() {
        Report r = Exercise.run("14.2", huber(0.5, 0.5, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void huberMistakesFailWithTheirHints() {
        Report noHalf = Exercise.run("14.2", huber(1.0, 0.5, true));
        assertFalse(noHalf.passed());
        assertTrue(noHalf.toString().contains("the quadratic part is 1/2 d^2"), noHalf.toString());
        Report noOffset = Exercise.run("14.2", huber(0.5, 0.0, true));
        assertFalse(noOffset.passed());
        assertTrue(noOffset.toString().contains("do not meet at |d| = delta"), noOffset.toString());
        Report sum = Exercise.run("14.2", huber(0.5, 0.5, false));
        assertFalse(sum.passed());
        assertTrue(sum.toString().contains("not the sum"), sum.toString());
        Report squared = Exercise.run("14.2", (Chapter14.Huber) (p, l, delta) -> huber(0.5, 0.5, true).apply(p, l, Float.POSITIVE_INFINITY));
        assertFalse(squared.passed());
        assertTrue(squared.toString().contains("grows linearly"), squared.toString());
    }

    @Test
    void skeletonIsNotAttempted() {
        assertFalse(Exercise.run("14.1", (Chapter14.TdTarget) (r, d, q, g) -> {
            throw Exercise.todo();
        }).attempted());
    }
}
