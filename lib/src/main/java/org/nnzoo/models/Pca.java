package org.nnzoo.models;

import java.util.Arrays;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Principal component analysis: the best linear code of a given length. Projecting centred data on the
 * top {@code k} eigenvectors of its covariance minimises the mean squared reconstruction error among all
 * rank-{@code k} linear maps, and a linear autoencoder trained with squared error learns that subspace.
 * It is the baseline the {@link ConvAutoencoder} must beat at the same code size.
 *
 * <p>K. Pearson, "On lines and planes of closest fit to systems of points in space", Phil. Mag. 2(11), 1901;
 * H. Hotelling, J. Educ. Psych. 24, 1933; P. Baldi, K. Hornik, "Neural networks and principal component
 * analysis: learning from examples without local minima", Neural Networks 2(1), 1989.
 *
 * <p>Computation: the covariance {@code C = X_c^T X_c / n} with DJL's matrix product, then block power
 * (subspace) iteration with {@code k + 10} vectors and a Rayleigh-Ritz step (Jacobi on the small projected
 * matrix) until the captured variance stops changing (relative 1e-10) — no dense eigen-solver is needed.
 * Each component's sign is fixed so that its largest loading is positive. This is the library's one PCA:
 * {@link #project} makes the 2-D maps of chapters 8 and 13. (commons-math3's {@code EigenDecomposition} of the
 * same covariance gives chapter 10's PCA test error 0.0268603011732 instead of 0.0268603008521: equal to 1e-8,
 * not bit for bit, so the notebook's recorded numbers keep this solver.)
 */
public final class Pca {

    private final int dim;
    private final float[] mean;
    private final double[][] components; // [k][dim], orthonormal, by decreasing variance
    private final double[] variances;
    private final double totalVariance;

    private Pca(float[] mean, double[][] components, double[] variances, double totalVariance) {
        this.dim = mean.length;
        this.mean = mean;
        this.components = components;
        this.variances = variances;
        this.totalVariance = totalVariance;
    }

    /**
     * @param data    samples one after another, {@code dim} values each
     * @param dim     values per sample
     * @param k       number of components (code length), 1..dim
     * @param manager where the covariance product runs (its arrays are freed before returning)
     */
    public static Pca fit(float[] data, int dim, int k, NDManager manager) {
        if (dim < 1 || data.length == 0 || data.length % dim != 0) {
            throw new IllegalArgumentException("data has " + data.length + " values, not a non-zero multiple of dim=" + dim);
        }
        if (k < 1 || k > dim) {
            throw new IllegalArgumentException("k must be in 1.." + dim + ", got " + k);
        }
        int n = data.length / dim;
        float[] mean = new float[dim];
        double[] sum = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                sum[j] += data[i * dim + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            mean[j] = (float) (sum[j] / n);
        }
        double[][] c = new double[dim][dim];
        try (NDManager m = manager.newSubManager()) {
            NDArray x = m.create(data, new Shape(n, dim)).sub(m.create(mean));
            float[] cov = x.transpose().matMul(x).div(n).toFloatArray();
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    c[i][j] = 0.5 * (cov[i * dim + j] + cov[j * dim + i]);
                }
            }
        }
        double total = 0;
        for (int i = 0; i < dim; i++) {
            total += c[i][i];
        }
        int p = Math.min(dim, k + 10);
        double[][] q = new double[p][dim];
        SplittableRandom rnd = new SplittableRandom(1);
        for (double[] v : q) {
            for (int j = 0; j < dim; j++) {
                v[j] = rnd.nextDouble(-1, 1);
            }
        }
        orthonormalize(q);
        double[] values = new double[p];
        double previous = -1;
        for (int iter = 0; iter < 2000; iter++) {
            double[][] z = new double[p][];
            for (int a = 0; a < p; a++) {
                z[a] = times(c, q[a]);
            }
            // Rayleigh-Ritz: eigen-decompose the p x p matrix Q^T C Q and rotate Q to its eigenvectors
            double[][] small = new double[p][p];
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    small[a][b] = dot(q[a], z[b]);
                }
            }
            double[][] vec = new double[p][p];
            double[] val = jacobi(small, vec);
            Integer[] order = new Integer[p];
            for (int a = 0; a < p; a++) {
                order[a] = a;
            }
            Arrays.sort(order, (u, w) -> Double.compare(val[w], val[u]));
            double[][] rotated = new double[p][dim];
            for (int a = 0; a < p; a++) {
                int col = order[a];
                values[a] = val[col];
                for (int b = 0; b < p; b++) {
                    double coef = vec[b][col];
                    for (int j = 0; j < dim; j++) {
                        rotated[a][j] += coef * z[b][j];
                    }
                }
            }
            double captured = 0;
            for (int a = 0; a < k; a++) {
                captured += values[a];
            }
            if (Math.abs(captured - previous) <= 1e-10 * Math.abs(captured) && iter > 2) {
                break;
            }
            previous = captured;
            orthonormalize(rotated);
            q = rotated;
        }
        double[][] comps = Arrays.copyOf(q, k);
        for (double[] v : comps) {  // an eigenvector's sign is arbitrary: make its largest loading positive
            int big = 0;
            for (int j = 1; j < dim; j++) {
                if (Math.abs(v[j]) > Math.abs(v[big])) {
                    big = j;
                }
            }
            if (v[big] < 0) {
                for (int j = 0; j < dim; j++) {
                    v[j] = -v[j];
                }
            }
        }
        return new Pca(mean, comps, Arrays.copyOf(values, k), total);
    }

    /**
     * A 2-D (or {@code dims}-D) map of high-dimensional points: their coordinates on their first
     * {@code dims} principal components ({@link #fit} then {@link #encode}, on the default engine's device).
     * Chapter 8 maps word vectors with it, chapter 13 a GCN's hidden layer.
     *
     * @param rows points, all of one length
     * @param dims number of components, e.g. 2
     * @return {@code out[i][c]}: point {@code i} on component {@code c} (components by decreasing variance,
     *     each with its largest loading positive)
     */
    public static double[][] project(float[][] rows, int dims) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("rows is empty: nothing to project");
        }
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + d);
            }
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        float[][] codes;
        try (NDManager m = NDManager.newBaseManager()) {
            codes = fit(flat, d, dims, m).encode(flat);
        }
        double[][] out = new double[rows.length][dims];
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < dims; c++) {
                out[i][c] = codes[i][c];
            }
        }
        return out;
    }

    /** @return the code length */
    public int components() {
        return components.length;
    }

    /** @return the variance along each component, decreasing */
    public double[] variances() {
        return variances.clone();
    }

    /** @return fraction of the total variance the components capture */
    public double explainedVarianceRatio() {
        return Arrays.stream(variances).sum() / totalVariance;
    }

    /** @return the codes {@code [n][k]} of samples given one after another */
    public float[][] encode(float[] data) {
        check(data);
        int n = data.length / dim;
        float[][] out = new float[n][components.length];
        double[] centred = new double[dim];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < dim; j++) {
                centred[j] = data[i * dim + j] - mean[j];
            }
            for (int a = 0; a < components.length; a++) {
                out[i][a] = (float) dot(components[a], centred);
            }
        }
        return out;
    }

    /** @return samples rebuilt from their codes, one after another */
    public float[] decode(float[][] codes) {
        float[] out = new float[codes.length * dim];
        for (int i = 0; i < codes.length; i++) {
            if (codes[i].length != components.length) {
                throw new IllegalArgumentException("code " + i + " has " + codes[i].length + " values, expected " + components.length);
            }
            for (int j = 0; j < dim; j++) {
                double v = mean[j];
                for (int a = 0; a < components.length; a++) {
                    v += codes[i][a] * components[a][j];
                }
                out[i * dim + j] = (float) v;
            }
        }
        return out;
    }

    /** @return {@code decode(encode(data))} */
    public float[] reconstruct(float[] data) {
        return decode(encode(data));
    }

    private void check(float[] data) {
        if (data.length == 0 || data.length % dim != 0) {
            throw new IllegalArgumentException("data has " + data.length + " values, not a non-zero multiple of " + dim);
        }
    }

    private static double[] times(double[][] c, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < c.length; i++) {
            out[i] = dot(c[i], v);
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Modified Gram-Schmidt on the rows. */
    private static void orthonormalize(double[][] rows) {
        for (int a = 0; a < rows.length; a++) {
            for (int b = 0; b < a; b++) {
                double d = dot(rows[a], rows[b]);
                for (int j = 0; j < rows[a].length; j++) {
                    rows[a][j] -= d * rows[b][j];
                }
            }
            double norm = Math.sqrt(dot(rows[a], rows[a]));
            if (norm < 1e-300) {
                throw new IllegalStateException("data has fewer than " + rows.length + " independent directions");
            }
            for (int j = 0; j < rows[a].length; j++) {
                rows[a][j] /= norm;
            }
        }
    }

    /**
     * Cyclic Jacobi eigen-decomposition of a small symmetric matrix.
     *
     * @param a   the matrix (overwritten)
     * @param vec receives the eigenvectors as columns
     * @return the eigenvalues (unsorted, matching the columns of {@code vec})
     */
    static double[] jacobi(double[][] a, double[][] vec) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            Arrays.fill(vec[i], 0);
            vec[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int pp = 0; pp < n; pp++) {
                for (int qq = pp + 1; qq < n; qq++) {
                    if (Math.abs(a[pp][qq]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[qq][qq] - a[pp][pp]) / (2 * a[pp][qq]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double cs = 1 / Math.sqrt(t * t + 1);
                    double sn = t * cs;
                    for (int r = 0; r < n; r++) {
                        double arp = a[r][pp];
                        double arq = a[r][qq];
                        a[r][pp] = cs * arp - sn * arq;
                        a[r][qq] = sn * arp + cs * arq;
                    }
                    for (int r = 0; r < n; r++) {
                        double apr = a[pp][r];
                        double aqr = a[qq][r];
                        a[pp][r] = cs * apr - sn * aqr;
                        a[qq][r] = sn * apr + cs * aqr;
                    }
                    for (int r = 0; r < n; r++) {
                        double vrp = vec[r][pp];
                        double vrq = vec[r][qq];
                        vec[r][pp] = cs * vrp - sn * vrq;
                        vec[r][qq] = sn * vrp + cs * vrq;
                    }
                }
            }
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = a[i][i];
        }
        return values;
    }
}
