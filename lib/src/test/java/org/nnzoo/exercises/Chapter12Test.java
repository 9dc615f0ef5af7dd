package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 12.1 passes the right step and names the usual mistakes. */
class Chapter12Test {

    /** 0 right; 1 no clipping of x_0 (the paper's eq. 11); 2 sigma^2 = beta_t; 3 noise at t = 0 as well (sigma^2 = beta_t there). */
    private static Chapter12.AncestralStep step(int mistake) {
        return (x, eps, t, beta, alphaBar, z) -> {
            double ab = alphaBar[t];
            double abPrev = t > 0 ? alphaBar[t - 1] : 1.0;
            double alpha = 1 - beta[t];
            double sigma = t > 0 ? Math.sqrt(mistake == 2 ? beta[t] : beta[t] * (1 - abPrev) / (1 - ab)) : mistake == 3 ? Math.sqrt(beta[t]) : 0;
            float[] out = new float[x.length];
            for (int j = 0; j < x.length; j++) {
                double mean;
                if (mistake == 1) {
                    mean = (x[j] - beta[t] / Math.sqrt(1 - ab) * eps[j]) / Math.sqrt(alpha);
                } else {
                    double x0 = Math.max(-1, Math.min(1, (x[j] - Math.sqrt(1 - ab) * eps[j]) / Math.sqrt(ab)));
                    mean = Math.sqrt(abPrev) * beta[t] / (1 - ab) * x0 + Math.sqrt(alpha) * (1 - abPrev) / (1 - ab) * x[j];
                }
                out[j] = (float) (mean + sigma * z[j]);
            }
            return out;
        };
    }

    @Test
    void rightStepPasses() {
        Report r = Exercise.run("12.1", step(0));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void unclippedMeanFailsWithItsHint() {
        Report r = Exercise.run("12.1", step(1));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("x_0 must be clipped"), r.toString());
    }

    @Test
    void betaAsVarianceFailsWithItsHint() {
        Report r = Exercise.run("12.1", step(2));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("not beta_t"), r.toString());
    }

    @Test
    void noiseAtTheLastStepFailsWithItsHint() {
        Report r = Exercise.run("12.1", step(3));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the last step (t = 0) adds no noise"), r.toString());
    }
}
