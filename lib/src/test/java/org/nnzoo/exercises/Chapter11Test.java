package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 11.1 passes the right losses and names the usual mistakes. */
class Chapter11Test {

    private static double softplus(double u) {
        return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    }

    /** 0 right; 1 saturating G loss; 2 swapped D labels; 3 the textbook form with log(sigmoid). */
    private static Chapter11.GanLosses losses(int kind) {
        return (real, fake) -> {
            double d = 0;
            double g = 0;
            for (float a : real) {
                d += kind == 2 ? softplus(a) : kind == 3 ? -Math.log(1 / (1 + Math.exp(-a))) : softplus(-a);
            }
            double dFake = 0;
            for (float a : fake) {
                dFake += kind == 2 ? softplus(-a) : kind == 3 ? -Math.log(1 - 1 / (1 + Math.exp(-a))) : softplus(a);
                g += kind == 1 ? -softplus(a) : softplus(-a);
            }
            return new double[] {d / real.length + dFake / fake.length, g / fake.length};
        };
    }

    @Test
    void rightLossesPass() {
        Report r = Exercise.run("11.1", losses(0));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void saturatingGeneratorLossFailsWithItsHint() {
        Report r = Exercise.run("11.1", losses(1));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("that is the saturating loss"), r.toString());
    }

    @Test
    void swappedLabelsFailWithTheirHint() {
        Report r = Exercise.run("11.1", losses(2));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the labels are swapped"), r.toString());
    }

    @Test
    void textbookFormOverflowsWithItsHint() {
        Report r = Exercise.run("11.1", losses(3));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("log(sigmoid(a)) overflows"), r.toString());
    }
}
