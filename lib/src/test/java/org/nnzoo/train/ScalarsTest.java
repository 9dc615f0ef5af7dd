package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/** Gradients through a scalar product stay right when the garbage collector runs before backward. */
class ScalarsTest {

    @Test
    void scalarFactorSurvivesGarbageCollection() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int it = 0; it < 20; it++) {
                try (NDManager s = m.newSubManager()) {
                    NDArray x = s.ones(new Shape(1000));
                    x.setRequiresGradient(true);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = x.mul(Scalars.of(x, 3f)).div(Scalars.of(x, 2f));
                        System.gc();
                        byte[][] junk = new byte[100][];
                        for (int i = 0; i < junk.length; i++) {
                            junk[i] = new byte[100_000];
                        }
                        for (int k = 0; k < 50; k++) {
                            s.create(new float[] {7f, 7f, 7f, 7f});
                        }
                        System.gc();
                        gc.backward(y.sum());
                    }
                    float[] g = x.getGradient().toFloatArray();
                    assertEquals(1.5f, g[0], 0f, "iteration " + it);
                    assertEquals(1.5f, g[999], 0f, "iteration " + it);
                }
            }
        }
    }
}
