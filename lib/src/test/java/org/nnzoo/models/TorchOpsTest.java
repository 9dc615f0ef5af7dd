package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TorchOps}: group normalisation and SiLU through one-line TorchScript modules, checked against the
 * definitions (group statistics in double precision) and against the compositions of DJL's own operations that
 * {@code UNet} used before (forward and every gradient).
 */
class TorchOpsTest {

    private static final int N = 3;
    private static final int C = 8;
    private static final int H = 5;
    private static final int W = 4;
    private static final int G = 4;

    private static float[] values(int n, long seed, double scale, double shift) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale + shift);
        }
        return v;
    }

    @Test
    void groupNormMatchesItsDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = values(N * C * H * W, 1, 3, 2);
            float[] gamma = values(C, 2, 0.5, 1);
            float[] beta = values(C, 3, 0.5, 0);
            float[] y = TorchOps.groupNorm(m.create(x, new Shape(N, C, H, W)), G, m.create(gamma), m.create(beta), 1e-5)
                    .toFloatArray();
            int per = C / G * H * W;
            for (int n = 0; n < N; n++) {
                for (int g = 0; g < G; g++) {
                    int from = (n * C + g * (C / G)) * H * W;
                    double mean = 0;
                    double sq = 0;
                    for (int i = from; i < from + per; i++) {
                        mean += x[i];
                    }
                    mean /= per;
                    for (int i = from; i < from + per; i++) {
                        sq += (x[i] - mean) * (x[i] - mean);
                    }
                    double inv = 1 / Math.sqrt(sq / per + 1e-5); // the biased variance, as the paper and PyTorch
                    for (int i = from; i < from + per; i++) {
                        int c = (i / (H * W)) % C;
                        double want = (x[i] - mean) * inv * gamma[c] + beta[c];
                        assertEquals(want, y[i], 2e-6 * (1 + Math.abs(want)), "n " + n + " group " + g + " index " + i);
                    }
                }
            }
        }
    }

    @Test
    void siluMatchesItsDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] x = values(257, 4, 4, 0);
            x[0] = -90f; // sigmoid underflows: 0
            x[1] = 90f;  // sigmoid is 1: x
            float[] y = TorchOps.silu(m.create(x)).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                double want = x[i] / (1 + Math.exp(-x[i]));
                assertEquals(want, y[i], 1e-6 * (1 + Math.abs(want)), "x = " + x[i]);
            }
        }
    }

    /** The composition UNet.GroupNorm used before: layer norm over each (image, group), then the affine, then x sigmoid(x). */
    private static NDArray composed(NDManager m, NDArray x, NDArray gamma, NDArray beta) {
        long per = (long) C / G * H * W;
        NDArray normed = LayerNorm.layerNorm(x.reshape(N, G, per), new Shape(per), m.ones(new Shape(per)),
                m.zeros(new Shape(per)), 1e-5f).head().reshape(N, C, H, W);
        NDArray z = normed.mul(gamma.reshape(1, C, 1, 1)).add(beta.reshape(1, C, 1, 1));
        return z.mul(Activation.sigmoid(z));
    }

    @Test
    void gradientsMatchTheComposedOperations() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] grads = new float[6][];
            for (int variant = 0; variant < 2; variant++) {
                NDArray x = m.create(values(N * C * H * W, 5, 2, 1), new Shape(N, C, H, W));
                NDArray gamma = m.create(values(C, 6, 0.3, 1));
                NDArray beta = m.create(values(C, 7, 0.3, 0));
                NDArray seed = m.create(values(N * C * H * W, 8, 1, 0), new Shape(N, C, H, W));
                for (NDArray a : new NDArray[] {x, gamma, beta}) {
                    a.setRequiresGradient(true);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = variant == 0 ? TorchOps.silu(TorchOps.groupNorm(x, G, gamma, beta, 1e-5))
                            : composed(m, x, gamma, beta);
                    gc.backward(y.mul(seed).sum());
                }
                grads[3 * variant] = x.getGradient().toFloatArray();
                grads[3 * variant + 1] = gamma.getGradient().toFloatArray();
                grads[3 * variant + 2] = beta.getGradient().toFloatArray();
            }
            String[] names = {"x", "gamma", "beta"};
            for (int k = 0; k < 3; k++) {
                float[] fused = grads[k];
                float[] comp = grads[3 + k];
                double scale = 0;
                for (float v : comp) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(scale > 0.1, names[k] + ": the gradient should not vanish here");
                for (int i = 0; i < fused.length; i++) {
                    assertEquals(comp[i], fused[i], 2e-5 * scale, "gradient of " + names[k] + " at " + i);
                }
            }
        }
    }

    @Test
    void sameInputsGiveTheSameBitsEveryCall() {
        // the graph executor profiles a module's first calls and could then change what runs: it must not
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(values(N * C * H * W, 9, 2, 0), new Shape(N, C, H, W));
            NDArray gamma = m.create(values(C, 10, 0.3, 1));
            NDArray beta = m.create(values(C, 11, 0.3, 0));
            x.setRequiresGradient(true);
            float[] firstY = null;
            float[] firstG = null;
            for (int call = 0; call < 6; call++) {
                x.getGradient().subi(x.getGradient());
                NDArray y;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    y = TorchOps.silu(TorchOps.groupNorm(x, G, gamma, beta, 1e-5));
                    gc.backward(y.sum());
                }
                if (call == 0) {
                    firstY = y.toFloatArray();
                    firstG = x.getGradient().toFloatArray();
                } else {
                    assertArrayEquals(firstY, y.toFloatArray(), "output of call " + call);
                    assertArrayEquals(firstG, x.getGradient().toFloatArray(), "gradient of call " + call);
                }
            }
        }
    }

    @Test
    void worksWithoutAutogradAndRejectsBadShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 6, 3, 3));
            NDArray gamma = m.ones(new Shape(6));
            gamma.setRequiresGradient(true); // a parameter, as in sampling: no graph may be recorded outside a collector
            NDArray y = TorchOps.groupNorm(x, 3, gamma, m.zeros(new Shape(6)), 1e-5);
            assertFalse(JniUtils.requiresGrad((PtNDArray) y), "outside a GradientCollector nothing is recorded");
            assertEquals(x.getShape(), y.getShape());
            assertEquals(0, y.mean().getFloat(), 1e-5);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> TorchOps.groupNorm(x, 4, m.ones(new Shape(6)), m.zeros(new Shape(6)), 1e-5));
            assertTrue(e.getMessage().contains("multiple of groups (4)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> TorchOps.groupNorm(x, 3, m.ones(new Shape(5)), m.zeros(new Shape(6)), 1e-5));
            assertTrue(e.getMessage().contains("gamma and beta of shape (6)"), e.getMessage());
            NDArray named = m.ones(new Shape(2));
            named.setName("a.b");
            e = assertThrows(IllegalArgumentException.class, () -> TorchOps.silu(named));
            assertTrue(e.getMessage().contains("'a.b'"), e.getMessage());
            NDArray plain = m.ones(new Shape(2));
            plain.setName("gamma");
            assertEquals(0.7310586f, TorchOps.silu(plain).toFloatArray()[0], 1e-6f);
        }
    }

    /** A sparse (rows x cols) matrix of about {@code rows * cols / 20} stored entries with values in [0.5, 1.5). */
    private static NDArray sparseMatrix(NDManager m, int rows, int cols, long seed, float[] denseOut) {
        Random r = new Random(seed);
        for (int i = 0; i < rows * cols; i++) {
            if (r.nextInt(20) == 0) {
                denseOut[i] = 0.5f + r.nextFloat();
            }
        }
        return SparseCoo.fromDense(m, denseOut, rows, cols);
    }

    @Test
    void sparseDropoutDropsOnlyStoredEntriesAndScalesTheRest() {
        int rows = 200;
        int cols = 300;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] dense = new float[rows * cols];
            NDArray x = sparseMatrix(m, rows, cols, 4, dense);
            int stored = 0;
            for (float v : dense) {
                stored += v != 0 ? 1 : 0;
            }
            for (double rate : new double[] {0.5, 0.9}) {
                Engine.getInstance().setRandomSeed(11);
                NDArray y = TorchOps.sparseDropout(x, rate);
                assertTrue(y.isSparse());
                float[] got = y.toDense().toFloatArray();
                int kept = 0;
                for (int i = 0; i < got.length; i++) {
                    if (got[i] != 0) {
                        kept++;
                        assertEquals((float) (dense[i] / (1 - rate)), got[i], 1e-6f * got[i], "kept entry " + i);
                    }
                    assertTrue(got[i] == 0 || dense[i] != 0, "entry " + i + " was not stored but is " + got[i]);
                }
                // each stored entry is kept with probability 1 - rate: within 5 standard deviations
                double sd = Math.sqrt(stored * rate * (1 - rate));
                assertEquals(stored * (1 - rate), kept, 5 * sd, kept + " of " + stored + " kept at rate " + rate);
                Engine.getInstance().setRandomSeed(11);
                assertArrayEquals(got, TorchOps.sparseDropout(x, rate).toDense().toFloatArray(), "same seed, same mask");
            }
            assertArrayEquals(dense, x.toDense().toFloatArray(), "the input is left as it was");
        }
    }

    @Test
    void gradientFlowsThroughTheDroppedSparseProduct() {
        int rows = 40;
        int cols = 30;
        int units = 4;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] dense = new float[rows * cols];
            NDArray x = sparseMatrix(m, rows, cols, 5, dense);
            float[] wv = values(cols * units, 6, 1, 0);
            float[] gv = values(rows * units, 7, 1, 0);
            NDArray w = m.create(wv, new Shape(cols, units));
            w.setRequiresGradient(true);
            float[] dropped;
            float[] out;
            Engine.getInstance().setRandomSeed(12);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray xd = TorchOps.sparseDropout(x, 0.5);
                dropped = xd.toDense().toFloatArray();
                NDArray y = xd.matMul(w);
                out = y.toFloatArray();
                gc.backward(y.mul(m.create(gv, new Shape(rows, units))).sum());
            }
            float[] grad = w.getGradient().toFloatArray();
            for (int j = 0; j < cols; j++) {
                for (int u = 0; u < units; u++) {
                    double s = 0; // dL/dW = X'^T G
                    for (int i = 0; i < rows; i++) {
                        s += dropped[i * cols + j] * (double) gv[i * units + u];
                    }
                    assertEquals(s, grad[j * units + u], 1e-4, "dL/dW[" + j + "][" + u + "]");
                }
            }
            for (int i = 0; i < rows; i++) {
                for (int u = 0; u < units; u++) {
                    double s = 0; // forward X' W
                    for (int j = 0; j < cols; j++) {
                        s += dropped[i * cols + j] * (double) wv[j * units + u];
                    }
                    assertEquals(s, out[i * units + u], 1e-4, "(X' W)[" + i + "][" + u + "]");
                }
            }
        }
    }

    @Test
    void sparseDropoutRejectsDenseInputAndBadRates() {
        try (NDManager m = NDManager.newBaseManager()) {
            var e = assertThrows(IllegalArgumentException.class, () -> TorchOps.sparseDropout(m.ones(new Shape(2, 3)), 0.5));
            assertTrue(e.getMessage().contains("DJL's Dropout"), e.getMessage());
            NDArray x = sparseMatrix(m, 5, 5, 8, new float[25]);
            for (double bad : new double[] {-0.1, 1, Double.NaN}) {
                e = assertThrows(IllegalArgumentException.class, () -> TorchOps.sparseDropout(x, bad));
                assertTrue(e.getMessage().contains("rate in [0, 1)"), e.getMessage());
            }
        }
    }
}
