package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProjectionTest {

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
        double[][] p = Projection.pca(x, 2);
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
}
