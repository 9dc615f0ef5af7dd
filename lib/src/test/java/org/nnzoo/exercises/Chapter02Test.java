package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The check of exercise 2.1 passes a right backward pass and names the usual mistakes. */
class Chapter02Test {

    /** A backward pass written out, with one mistake switched on. */
    private static Chapter02.Backward backward(boolean mean, boolean tanhDerivative, boolean transposeDb1) {
        return (x, y, h, p, w2) -> {
            int n = x.length, d = x[0].length, hid = h[0].length, out = p[0].length;
            double[][] dw1 = new double[d][hid], dw2 = new double[hid][out];
            double[] db1 = new double[transposeDb1 ? out : hid], db2 = new double[out];
            for (int i = 0; i < n; i++) {
                double[] dz = new double[out];
                for (int k = 0; k < out; k++) {
                    dz[k] = (p[i][k] - (k == y[i] ? 1 : 0)) / (mean ? n : 1);
                    db2[k] += dz[k];
                }
                for (int j = 0; j < hid; j++) {
                    double dh = 0;
                    for (int k = 0; k < out; k++) {
                        dw2[j][k] += h[i][j] * dz[k];
                        dh += dz[k] * w2[j][k];
                    }
                    double da = tanhDerivative ? dh * (1 - h[i][j] * h[i][j]) : dh;
                    if (!transposeDb1) {
                        db1[j] += da;
                    }
                    for (int f = 0; f < d; f++) {
                        dw1[f][j] += x[i][f] * da;
                    }
                }
            }
            return new Chapter02.Gradients(dw1, db1, dw2, db2);
        };
    }

    @Test
    void rightAnswerPasses() {
        Report r = Exercise.run("2.1", backward(true, true, false));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void sumInsteadOfMeanFailsWithItsHint() {
        Report r = Exercise.run("2.1", backward(false, true, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("n times too large"), r.toString());
    }

    @Test
    void missingTanhDerivativeFailsWithItsHint() {
        Report r = Exercise.run("2.1", backward(true, false, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("dW1: element [") && r.toString().contains("1 - H^2"), r.toString());
    }

    @Test
    void wrongShapeIsNamed() {
        Report r = Exercise.run("2.1", backward(true, true, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("db1 has shape"), r.toString());
    }
}
