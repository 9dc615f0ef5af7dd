package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 1.1 passes the perceptron rule and names the usual mistakes. */
class Chapter01Test {

    /** The rule with one mistake switched on. */
    private static Chapter01.Rule rule(boolean strict, boolean always, double sign, boolean bias) {
        return (w, b, x, y, lr) -> {
            double s = b;
            for (int k = 0; k < w.length; k++) {
                s += w[k] * x[k];
            }
            boolean mistake = strict ? y * s < 0 : y * s <= 0;
            if (mistake || always) {
                for (int k = 0; k < w.length; k++) {
                    w[k] += sign * lr * y * x[k];
                }
                return bias ? b + sign * lr * y : b;
            }
            return b;
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("1.1", rule(false, false, 1, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void strictInequalityNeverStartsAndSaysSo() {
        Report r = Exercise.run("1.1", rule(true, false, 1, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("not < 0") && r.toString().contains("step 1 "), r.toString());
    }

    @Test
    void updatingCorrectSamplesFailsWithItsHint() {
        Report r = Exercise.run("1.1", rule(false, true, 1, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("correctly classified sample"), r.toString());
    }

    @Test
    void wrongSignAndMissingBiasAreNamed() {
        Report sign = Exercise.run("1.1", rule(false, false, -1, true));
        assertFalse(sign.passed());
        assertTrue(sign.toString().contains("wrong way"), sign.toString());
        Report noBias = Exercise.run("1.1", rule(false, false, 1, false));
        assertFalse(noBias.passed());
        assertTrue(noBias.toString().contains("bias did not move"), noBias.toString());
    }

    @Test
    void missingLearningRateIsNamed() {
        Chapter01.Rule noRate = (w, b, x, y, lr) -> rule(false, false, 1, true).update(w, b, x, y, 1.0);
        Report r = Exercise.run("1.1", noRate);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("learning rate is missing"), r.toString());
    }
}
