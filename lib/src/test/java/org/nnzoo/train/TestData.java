package org.nnzoo.train;

import java.util.SplittableRandom;

/** Synthetic classification data for loop tests: Gaussian blobs, one per class, in {@code dim} dimensions. */
final class TestData {

    final float[] x;
    final int[] y;
    final int dim;

    TestData(int n, int dim, int classes, double spread, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] centres = new double[classes][dim];
        for (double[] c : centres) {
            for (int d = 0; d < dim; d++) {
                c[d] = rnd.nextDouble(-2, 2);
            }
        }
        this.dim = dim;
        x = new float[n * dim];
        y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
            for (int d = 0; d < dim; d++) {
                double u1 = 1 - rnd.nextDouble();
                double u2 = rnd.nextDouble();
                double g = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
                x[i * dim + d] = (float) (centres[y[i]][d] + spread * g);
            }
        }
    }
}
