package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.RecurrentNetworks.Kind;

/** The gradient-through-time probe: relative to the last step, and the same as the calls it stands for. */
class GradientThroughTimeTest {

    @Test
    void relativeDividesByTheLastStep() {
        assertArrayEquals(new double[] {0.5, 0.25, 1}, GradientThroughTime.relative(new double[] {2, 1, 4}), 0);
    }

    @Test
    void untrainedProbeEndsAtOneAndIsReproducible() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            NDArray x = m.randomNormal(new Shape(8, 12, 3));
            NDArray y = m.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7});
            double[] a = GradientThroughTime.untrained(Kind.RNN, 6, x, y, Float.NaN);
            double[] b = GradientThroughTime.untrained(Kind.RNN, 6, x, y, Float.NaN);
            double[] lstm = GradientThroughTime.untrained(Kind.LSTM, 6, x, y, 1f);
            assertEquals(12, a.length);
            assertEquals(1.0, a[11], 0);
            assertEquals(1.0, lstm[11], 0);
            assertArrayEquals(a, b, 0);
            for (double v : a) {
                assertTrue(v > 0 && Double.isFinite(v), "norm ratio " + v);
            }
        }
    }
}
