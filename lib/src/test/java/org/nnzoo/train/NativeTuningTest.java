package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** The oneMKL vendor fix: applied (or explained) when the engine starts, and matrix products stay right. */
class NativeTuningTest {

    @Test
    void engineStartAppliesOrExplainsAndProductsStayCorrect() throws Exception {
        Engine.getInstance();
        String status = NativeTuning.status();
        assertFalse(status.contains("has not started"), "the engine provider should have run NativeTuning: " + status);
        assertFalse(status.startsWith("not applied:"), "the fix failed: " + status);
        String vendor = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("vendor_id")).findFirst().orElse("");
        if (vendor.contains("AuthenticAMD")) {
            assertTrue(status.startsWith("oneMKL vendor check patched"), status);
        }
        // a GEMM large enough for oneMKL's blocked kernels, against a double-precision loop
        int m = 67, k = 301, n = 129;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        try (NDManager mgr = NDManager.newBaseManager()) {
            float[] c = mgr.create(a, new Shape(m, k)).matMul(mgr.create(b, new Shape(k, n))).toFloatArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        s += (double) a[i * k + t] * b[t * n + j];
                    }
                    assertEquals(s, c[i * n + j], 1e-4, "C[" + i + "][" + j + "]");
                }
            }
        }
        assertFalse(NativeTuning.apply().startsWith("not applied:"), "a second apply() must be harmless");
    }
}
