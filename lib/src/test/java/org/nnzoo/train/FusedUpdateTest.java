package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * {@link FusedUpdate} against DJL's own update, bit for bit: the same optimizer configuration updates two copies of a
 * weight from the same gradients, one through DJL's native {@code adamUpdate}/{@code sgdUpdate}, one through the fused
 * pass; after several steps the weights must be equal in every bit and both gradients zeroed. Sizes cover the vector
 * loop's tail. In the reproducible mode (the tests' default: ATen's AVX2 kernels) the results are exact; without it,
 * on an AVX-512 CPU, ATen's own AVX-512 kernels round a few values differently (see FusedUpdate), which the test then
 * bounds instead of failing on.
 */
class FusedUpdateTest {

    private static final int[] SIZES = {1, 7, 16, 33, 1000, 4097, 100003};

    private interface Config {
        Optimizer build();
    }

    private static void compare(String what, Config config) {
        Engine.getInstance();
        for (int n : SIZES) {
            try (NDManager m = NDManager.newBaseManager()) {
                Random r = new Random(n);
                float[] w0 = new float[n];
                for (int i = 0; i < n; i++) {
                    w0[i] = (float) r.nextGaussian();
                }
                NDArray wa = m.create(w0);
                NDArray wb = m.create(w0);
                wa.setRequiresGradient(true);
                wb.setRequiresGradient(true);
                Optimizer a = config.build();
                Optimizer b = config.build();
                FusedUpdate fused = FusedUpdate.forOptimizer(b);
                assertTrue(fused != null, what + ": no fused update for " + b.getClass());
                NDArray proxy = fused.weight(wb);
                assertNotSame(wb, proxy, what + ": the fused update does not apply to a float32 CPU array");
                for (int step = 0; step < 6; step++) {
                    float[] c = new float[n];
                    for (int i = 0; i < n; i++) {
                        c[i] = (float) (r.nextGaussian() * (step == 3 ? 2.0 : 0.05)); // step 3: large, clipped values
                    }
                    for (NDArray w : new NDArray[] {wa, wb}) {
                        try (NDManager s = m.newSubManager(); GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(w.mul(s.create(c)).sum()); // dL/dw = c
                        }
                    }
                    a.update("p", wa, wa.getGradient());
                    b.update("p", proxy, wb.getGradient());
                    assertEquals(0f, wb.getGradient().abs().max().getFloat(), what + ": gradient not zeroed");
                }
                float[] ea = wa.toFloatArray();
                float[] eb = wb.toFloatArray();
                if (Reproducible.isOn()) {
                    assertArrayEquals(ea, eb, what + ", " + n + " values: not the same weights as DJL's update");
                } else {
                    int diff = 0;
                    for (int i = 0; i < n; i++) {
                        diff += Float.floatToIntBits(ea[i]) == Float.floatToIntBits(eb[i]) ? 0 : 1;
                    }
                    assertTrue(diff <= Math.max(2, n / 1000), what + ", " + n + " values: " + diff + " differ");
                }
            }
        }
    }

    @Test
    void adamAsDjl() {
        compare("Adam", () -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
    }

    @Test
    void adamWithWeightDecayClippingAndRescaleAsDjl() {
        compare("Adam wd/clip/rescale", () -> Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f))
                .optWeightDecays(0.01f).optClipGrad(0.5f).setRescaleGrad(0.5f).optBeta1(0.8f).optEpsilon(1e-6f).build());
    }

    @Test
    void sgdAsDjl() {
        compare("SGD", () -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build());
    }

    @Test
    void sgdWithMomentumAndWeightDecayAsDjl() {
        compare("SGD momentum/wd", () -> Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.05f))
                .optMomentum(0.9f).optWeightDecays(1e-3f).optClipGrad(1f).build());
    }

    /**
     * The check ends once the vector loops run compiled, also where they already did before it began (a second check
     * in one JVM; the first version waited for a call ten times faster than the first one, which then never came, and
     * gave up after 20 seconds), here on a thread that flushes denormals where the CPU can (the engine's start sets that).
     */
    @Test
    void vectorCheckEndsWhenTheLoopsAreAlreadyCompiled() {
        Engine.getInstance();
        assertTrue(FusedUpdate.Kernels.simd(), "the Vector API loops are not used: " + OptimizerStep.fusedUpdateStatus());
        assertTrue(OptimizerStep.fusedUpdateStatus().startsWith("on (Vector API"), OptimizerStep.fusedUpdateStatus());
        assertTrue(FusedVectorKernels.available(), "a second check, on compiled loops, failed");
    }

    @Test
    void otherOptimizersAndArraysKeepDjlsPath() {
        assertNull(FusedUpdate.forOptimizer(Optimizer.adamW().build()));
        assertNull(FusedUpdate.forOptimizer(Optimizer.rmsprop().build()));
        FusedUpdate f = FusedUpdate.forOptimizer(Optimizer.adam().build());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray ints = m.arange(6);
            assertSame(ints, f.weight(ints));
        }
    }
}
