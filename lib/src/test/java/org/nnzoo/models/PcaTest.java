package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

class PcaTest {

    /** Correlated Gaussian data: z ~ N(0, diag(s)) mixed by a random matrix. */
    private static float[] data(int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] mix = new double[d][d];
        for (double[] row : mix) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextDouble(-1, 1);
            }
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) {
                z[j] = gauss(r) * (d - j);
            }
            for (int a = 0; a < d; a++) {
                double v = 3;
                for (int j = 0; j < d; j++) {
                    v += mix[a][j] * z[j];
                }
                x[i * d + a] = (float) v;
            }
        }
        return x;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void capturesTopEigenvaluesAndReconstructionErrorIsTheRest() {
        int d = 12;
        float[] x = data(4000, d, 5);
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice())) {
            Pca full = Pca.fit(x, d, d, m);
            Pca top3 = Pca.fit(x, d, 3, m);
            double[] all = full.variances();
            for (int i = 1; i < d; i++) {
                assertTrue(all[i] <= all[i - 1] + 1e-9, "variances must decrease: " + Arrays.toString(all));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(all[i], top3.variances()[i], 1e-4 * all[0], "eigenvalue " + i);
            }
            assertEquals(1.0, full.explainedVarianceRatio(), 1e-5);
            // mean squared error per value = discarded variance / d
            double rest = Arrays.stream(all).skip(3).sum();
            double mse = ConvAutoencoder.mse(x, top3.reconstruct(x));
            assertEquals(rest / d, mse, 1e-3 * rest / d);
            assertTrue(ConvAutoencoder.mse(x, full.reconstruct(x)) < 1e-6 * all[0]);
        }
    }

    /** Points spread along (3, 4, 0)/5 with small noise: the first component is that direction. */
    @Test
    void firstComponentFollowsTheSpread() {
        java.util.Random rnd = new java.util.Random(1);
        float[][] x = new float[200][];
        double[] t = new double[200];
        for (int i = 0; i < x.length; i++) {
            t[i] = rnd.nextGaussian() * 5;
            x[i] = new float[] {(float) (10 + 0.6 * t[i] + 0.1 * rnd.nextGaussian()),
                (float) (-2 + 0.8 * t[i] + 0.1 * rnd.nextGaussian()), (float) (0.3 * rnd.nextGaussian())};
        }
        double[][] p = Pca.project(x, 2);
        double meanT = java.util.Arrays.stream(t).average().orElseThrow();
        for (int i = 0; i < x.length; i++) {
            assertEquals(t[i] - meanT, p[i][0], 0.3, "point " + i); // sign fixed: largest loading (0.8) positive
        }
        double var1 = 0;
        double var2 = 0;
        for (double[] q : p) {
            var1 += q[0] * q[0];
            var2 += q[1] * q[1];
        }
        assertTrue(var1 > 100 * var2, var1 + " vs " + var2);
    }

    /**
     * Fewer points than the solver's block of k + 10 vectors (Word2Vec.pca2 maps as few as 3 words): three
     * points span a plane, so their 2-D map keeps every pairwise distance.
     */
    @Test
    void projectsFewPointsExactly() {
        SplittableRandom r = new SplittableRandom(9);
        float[][] x = new float[3][20];
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextDouble(-1, 1);
            }
        }
        double[][] p = Pca.project(x, 2);
        for (int a = 0; a < 3; a++) {
            for (int b = a + 1; b < 3; b++) {
                double d = 0;
                for (int j = 0; j < 20; j++) {
                    d += (x[a][j] - x[b][j]) * (x[a][j] - x[b][j]);
                }
                double e = Math.hypot(p[a][0] - p[b][0], p[a][1] - p[b][1]);
                assertEquals(Math.sqrt(d), e, 1e-5, "distance " + a + "-" + b);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice())) {
            assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[10], 3, 1, m));
            assertThrows(IllegalArgumentException.class, () -> Pca.fit(new float[9], 3, 4, m));
        }
    }
}
