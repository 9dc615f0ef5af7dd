package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 6.1 passes the right GRU step and names the usual mistakes. */
class Chapter06Test {

    private static Chapter06.GruStep with(Mistake mistake) {
        return (x, h, wIh, wHh, bIh, bHh) -> SequenceChecks.gru(x, h, wIh, wHh, bIh, bHh, mistake);
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("6.1", with(Mistake.NONE));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void resetOutsideTheBiasFailsWithItsHint() {
        Report r = Exercise.run("6.1", with(Mistake.RESET_OUTSIDE_BIAS));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("r * (W_hn h + b_hn)"), r.toString());
    }

    @Test
    void swappedUpdateGateFailsWithItsHint() {
        Report r = Exercise.run("6.1", with(Mistake.Z_SWAPPED));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("z and 1 - z are swapped"), r.toString());
    }

    @Test
    void gateOrderFailsWithItsHint() {
        Report r = Exercise.run("6.1", with(Mistake.R_Z_ORDER));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("stacked r, z, n"), r.toString());
    }
}
