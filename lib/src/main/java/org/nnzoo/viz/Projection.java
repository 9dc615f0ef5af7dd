package org.nnzoo.viz;

/**
 * Principal component analysis for 2-D pictures of high-dimensional points (embeddings, features): the
 * directions of largest variance, found by power iteration with deflation on the centred data (the
 * covariance matrix is never formed, so 1433-dimensional inputs are fine). Deterministic.
 */
public final class Projection {

    private Projection() {
    }

    /**
     * @param x    points, {@code x[i]} of equal length
     * @param dims number of components (e.g. 2)
     * @return {@code out[i][k]}: point {@code i} on component {@code k} (components in order of variance; the
     *     sign of each is fixed so that its largest loading is positive)
     */
    public static double[][] pca(float[][] x, int dims) {
        int n = x.length;
        if (n == 0) {
            throw new IllegalArgumentException("x is empty");
        }
        int d = x[0].length;
        if (dims < 1 || dims > d) {
            throw new IllegalArgumentException("dims must be in 1.." + d + ", got " + dims);
        }
        double[] mean = new double[d];
        for (float[] row : x) {
            if (row.length != d) {
                throw new IllegalArgumentException("rows have different lengths: " + row.length + " and " + d);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j] / (double) n;
            }
        }
        double[][] comps = new double[dims][];
        double[] xv = new double[n];
        for (int k = 0; k < dims; k++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = 1 + (j % 7) * 0.1; // fixed start, not axis-aligned
            }
            for (int it = 0; it < 150; it++) {
                // v <- C v with C = (X - mean)^T (X - mean), minus the found components
                for (int i = 0; i < n; i++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += (x[i][j] - mean[j]) * v[j];
                    }
                    xv[i] = s;
                }
                double[] w = new double[d];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < d; j++) {
                        w[j] += (x[i][j] - mean[j]) * xv[i];
                    }
                }
                for (int p = 0; p < k; p++) { // deflate: remove earlier components
                    double dot = 0;
                    for (int j = 0; j < d; j++) {
                        dot += w[j] * comps[p][j];
                    }
                    for (int j = 0; j < d; j++) {
                        w[j] -= dot * comps[p][j];
                    }
                }
                double norm = 0;
                for (double e : w) {
                    norm += e * e;
                }
                norm = Math.sqrt(norm);
                if (norm == 0) {
                    break;
                }
                double change = 0;
                for (int j = 0; j < d; j++) {
                    w[j] /= norm;
                    change += Math.abs(w[j] - v[j]);
                }
                v = w;
                if (change < 1e-9) {
                    break;
                }
            }
            int big = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(v[j]) > Math.abs(v[big])) {
                    big = j;
                }
            }
            if (v[big] < 0) {
                for (int j = 0; j < d; j++) {
                    v[j] = -v[j];
                }
            }
            comps[k] = v;
        }
        double[][] out = new double[n][dims];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < dims; k++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    s += (x[i][j] - mean[j]) * comps[k][j];
                }
                out[i][k] = s;
            }
        }
        return out;
    }
}
