package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 8.1 passes the negative-sampling step and names the usual mistakes. */
class Chapter08Test {

    /** The step written out, with one mistake switched on. */
    private static Chapter08.SgnsStep step(boolean flipSign, boolean newU, boolean inPlace) {
        return (h, u, alpha) -> {
            float[] neu1e = new float[h.length];
            for (int t = 0; t < u.length; t++) {
                double f = 0;
                for (int i = 0; i < h.length; i++) {
                    f += u[t][i] * h[i];
                }
                double sig = 1 / (1 + Math.exp(-f));
                double label = t == 0 ? 1 : 0;
                float g = (float) ((flipSign ? sig - label : label - sig) * alpha);
                for (int i = 0; i < h.length; i++) {
                    float old = u[t][i];
                    float next = old + g * h[i];
                    if (inPlace) {
                        u[t][i] = next;
                    }
                    neu1e[i] += g * (newU ? next : old);
                }
            }
            return neu1e;
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("8.1", step(false, false, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void flippedSignFailsWithItsHint() {
        Report r = Exercise.run("8.1", step(true, false, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("wrong sign") && r.toString().contains("neu1e: element ["), r.toString());
    }

    @Test
    void updatingBeforeAccumulatingFailsWithItsHint() {
        Report r = Exercise.run("8.1", step(false, true, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("neu1e needs the old u_t"), r.toString());
    }

    @Test
    void forgettingToUpdateUIsNamed() {
        Report r = Exercise.run("8.1", step(false, false, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("did not change"), r.toString());
    }
}
