package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 13.1 passes the GCN propagation rule and names the usual mistakes. */
class Chapter13Test {

    /** Â H W with a dense Â, with one mistake switched on. */
    private static Chapter13.Propagation propagation(boolean selfLoops, boolean selfLoopInDegree, boolean symmetric) {
        return (n, source, target, h, w) -> {
            double[] d = new double[n];
            double[][] a = new double[n][n];
            for (int e = 0; e < source.length; e++) {
                d[source[e]]++;
                d[target[e]]++;
                a[source[e]][target[e]] = 1;
                a[target[e]][source[e]] = 1;
            }
            for (int i = 0; i < n; i++) {
                if (selfLoops) {
                    a[i][i] = 1;
                }
                if (selfLoopInDegree) {
                    d[i]++;
                }
            }
            int out = w[0].length;
            float[][] y = new float[n][out];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (a[i][j] == 0) {
                        continue;
                    }
                    double norm = symmetric ? 1 / Math.sqrt(d[i] * d[j]) : 1 / d[i];
                    for (int u = 0; u < out; u++) {
                        double hw = 0;
                        for (int k = 0; k < w.length; k++) {
                            hw += h[j][k] * w[k][u];
                        }
                        y[i][u] += (float) (norm * hw);
                    }
                }
            }
            return y;
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("13.1", propagation(true, true, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void missingSelfLoopsFailWithTheirHint() {
        Report r = Exercise.run("13.1", propagation(false, false, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the self-loops are missing"), r.toString());
    }

    @Test
    void degreeWithoutTheSelfLoopIsNamed() {
        Report r = Exercise.run("13.1", propagation(true, false, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("d̃_i = 1 + degree(i)"), r.toString());
    }

    @Test
    void rowNormalisationIsNamed() {
        Report r = Exercise.run("13.1", propagation(true, true, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("row-normalised") && r.toString().contains("element ["), r.toString());
    }

    @Test
    void wrongShapeIsNamed() {
        Report r = Exercise.run("13.1", (Chapter13.Propagation) (n, s, t, h, w) -> new float[n][w.length]);
        assertFalse(r.passed());
        assertTrue(r.toString().contains("result shape"), r.toString());
    }
}
