package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.notebook.Exercise;
import org.nnzoo.notebook.Exercise.Report;

/** The checks of chapter 17 can fail, and say why: wrong answers get the hint for their mistake. */
class Chapter17Test {

    /** Message passing with one mistake switched on. */
    private static Chapter17.MessagePassing passing(boolean inPlace, boolean transform) {
        return (w, s, f, times) -> {
            int n = s.length;
            double[][] cur = s;
            for (int t = 0; t < times; t++) {
                double[][] next = inPlace ? cur : new double[n][];
                for (int i = 0; i < n; i++) {
                    double[] m = new double[s[0].length];
                    for (int j = 0; j < n; j++) {
                        for (int c = 0; c < m.length; c++) {
                            m[c] += w[j][i] * cur[j][c];
                        }
                    }
                    next[i] = transform ? f.apply(m) : m;
                }
                cur = next;
            }
            return cur;
        };
    }

    /** The gated update with the gate's roles swapped or the biases left out. */
    private static Chapter17.GatedUpdate gate(boolean swapped, boolean bias) {
        return (old, uz, bz, uc, bc, v) -> {
            double a = bias ? bz : 0;
            double b = bias ? bc : 0;
            for (int i = 0; i < v.length; i++) {
                a += uz[i] * v[i];
                b += uc[i] * v[i];
            }
            double z = 1 / (1 + Math.exp(-a));
            double c = Math.tanh(b);
            return swapped ? z * old + (1 - z) * c : (1 - z) * old + z * c;
        };
    }

    @Test
    void rightMessagePassingPasses() {
        Report r = Exercise.run("17.1", passing(false, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void inPlaceMessagePassingFailsWithItsHint() {
        Report r = Exercise.run("17.1", passing(true, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("must be synchronous"), r.toString());
    }

    @Test
    void messageWithoutTransformFailsWithItsHint() {
        Report r = Exercise.run("17.1", passing(false, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("apply the transform"), r.toString());
    }

    @Test
    void rightGatedUpdatePasses() {
        Report r = Exercise.run("17.2", gate(false, true));
        assertTrue(r.passed(), r.toString());
    }

    @Test
    void swappedGateFailsWithItsHint() {
        Report r = Exercise.run("17.2", gate(true, true));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the share of the NEW value"), r.toString());
    }

    @Test
    void missingBiasesFailWithTheirHint() {
        Report r = Exercise.run("17.2", gate(false, false));
        assertFalse(r.passed());
        assertTrue(r.toString().contains("the biases bz and bc are missing"), r.toString());
        assertTrue(r.toString().contains("element ["), r.toString());
    }
}
