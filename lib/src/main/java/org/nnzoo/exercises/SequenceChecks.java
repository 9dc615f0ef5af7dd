package org.nnzoo.exercises;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.nnzoo.models.RecurrentCell;

/**
 * What the checks of chapters 5, 6, 7 and 9 share: random cases, the library's cells run on plain arrays (the
 * reference), and plain-array versions of the cells with one deliberate mistake switched on (to recognise the
 * usual mistakes in an answer and name them).
 */
final class SequenceChecks {

    /** A mistake switched on in the plain-array cells; {@code NONE} computes the cell right. */
    enum Mistake { NONE, NO_TANH, SIGMOID, TRANSPOSED_W_HH, NO_H2H_BIAS, RESET_OUTSIDE_BIAS, Z_SWAPPED, R_Z_ORDER,
        IFOG_ORDER, H_WITHOUT_TANH, NO_INPUT_GATE }

    private SequenceChecks() {
    }

    static float[] vector(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }

    static float[][] matrix(SplittableRandom rnd, int rows, int cols) {
        float[][] m = new float[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = vector(rnd, cols);
        }
        return m;
    }

    static float[][] copy(float[][] m) {
        float[][] c = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    static float[] flatten(float[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        float[] out = new float[m.length * cols];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * cols, cols);
        }
        return out;
    }

    /**
     * One step of a library cell ({@link RecurrentCell#step}) on plain arrays: the reference.
     *
     * @return the new state ({@code h}, or {@code h, c})
     */
    static float[][] libraryStep(RecurrentCell cell, float[] x, float[][] state, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList s = new NDList();
            for (float[] st : state) {
                s.add(m.create(st, new Shape(1, st.length)));
            }
            NDList w = new NDList(m.create(flatten(wIh), new Shape(wIh.length, x.length)),
                    m.create(flatten(wHh), new Shape(wHh.length, wHh[0].length)), m.create(bIh), m.create(bHh));
            NDList out = cell.step(m.create(x, new Shape(1, x.length)), s, w);
            float[][] result = new float[out.size()][];
            for (int i = 0; i < out.size(); i++) {
                result[i] = out.get(i).toFloatArray();
            }
            return result;
        }
    }

    /** @return rows {@code [k*H, (k+1)*H)} of {@code W v + b} (gate k of a stacked affine map) */
    static double[] affine(float[][] w, float[] v, float[] b, int k, int hidden, boolean transposed) {
        double[] out = new double[hidden];
        for (int r = 0; r < hidden; r++) {
            double acc = b == null ? 0 : b[k * hidden + r];
            for (int j = 0; j < v.length; j++) {
                acc += (transposed ? w[j][k * hidden + r] : w[k * hidden + r][j]) * v[j];
            }
            out[r] = acc;
        }
        return out;
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** @return the Elman cell's step with {@code mistake} switched on */
    static float[] rnn(float[] x, float[] h, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh, Mistake mistake) {
        int hidden = h.length;
        double[] a = affine(wIh, x, bIh, 0, hidden, false);
        double[] b = affine(wHh, h, mistake == Mistake.NO_H2H_BIAS ? null : bHh, 0, hidden, mistake == Mistake.TRANSPOSED_W_HH);
        float[] out = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            double s = a[i] + b[i];
            out[i] = (float) (mistake == Mistake.NO_TANH ? s : mistake == Mistake.SIGMOID ? sigmoid(s) : Math.tanh(s));
        }
        return out;
    }

    /** @return the GRU's step with {@code mistake} switched on */
    static float[] gru(float[] x, float[] h, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh, Mistake mistake) {
        int hidden = h.length;
        int rk = mistake == Mistake.R_Z_ORDER ? 1 : 0;
        int zk = mistake == Mistake.R_Z_ORDER ? 0 : 1;
        double[] xr = affine(wIh, x, bIh, rk, hidden, false);
        double[] hr = affine(wHh, h, bHh, rk, hidden, false);
        double[] xz = affine(wIh, x, bIh, zk, hidden, false);
        double[] hz = affine(wHh, h, bHh, zk, hidden, false);
        double[] xn = affine(wIh, x, bIh, 2, hidden, false);
        double[] hn = affine(wHh, h, mistake == Mistake.RESET_OUTSIDE_BIAS ? null : bHh, 2, hidden, false);
        float[] out = new float[hidden];
        for (int i = 0; i < hidden; i++) {
            double r = sigmoid(xr[i] + hr[i]);
            double z = sigmoid(xz[i] + hz[i]);
            double inner = r * hn[i] + (mistake == Mistake.RESET_OUTSIDE_BIAS ? bHh[2 * hidden + i] : 0);
            double n = Math.tanh(xn[i] + inner);
            out[i] = (float) (mistake == Mistake.Z_SWAPPED ? z * n + (1 - z) * h[i] : (1 - z) * n + z * h[i]);
        }
        return out;
    }

    /** @return the LSTM's step {h, c} with {@code mistake} switched on */
    static float[][] lstm(float[] x, float[] h, float[] c, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh, Mistake mistake) {
        int hidden = h.length;
        int[] order = mistake == Mistake.IFOG_ORDER ? new int[] {0, 1, 3, 2} : new int[] {0, 1, 2, 3}; // blocks of i, f, g, o
        double[][] pre = new double[4][];
        for (int k = 0; k < 4; k++) {
            double[] a = affine(wIh, x, bIh, order[k], hidden, false);
            double[] b = affine(wHh, h, bHh, order[k], hidden, false);
            pre[k] = new double[hidden];
            for (int i = 0; i < hidden; i++) {
                pre[k][i] = a[i] + b[i];
            }
        }
        float[][] out = new float[2][hidden];
        for (int i = 0; i < hidden; i++) {
            double in = sigmoid(pre[0][i]);
            double f = sigmoid(pre[1][i]);
            double g = Math.tanh(pre[2][i]);
            double o = sigmoid(pre[3][i]);
            double cNext = f * c[i] + (mistake == Mistake.NO_INPUT_GATE ? g : in * g);
            out[0][i] = (float) (o * (mistake == Mistake.H_WITHOUT_TANH ? cNext : Math.tanh(cNext)));
            out[1][i] = (float) cNext;
        }
        return out;
    }

    /** @return the values of an NDArray as a matrix of {@code cols} columns */
    static float[][] rows(NDArray a, int cols) {
        float[] flat = a.toFloatArray();
        float[][] out = new float[flat.length / cols][cols];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    /** @return true when {@code a} has the shape {@code rows x cols} (rectangular, no null rows) */
    static boolean isMatrix(float[][] a, int rows, int cols) {
        if (a == null || a.length != rows) {
            return false;
        }
        for (float[] r : a) {
            if (r == null || r.length != cols) {
                return false;
            }
        }
        return true;
    }

    /** @return "[rows, cols]" of a (possibly ragged or null) matrix */
    static String shape(float[][] a) {
        if (a == null) {
            return "null";
        }
        if (a.length == 0 || a[0] == null) {
            return "[" + a.length + ", ?]";
        }
        for (float[] r : a) {
            if (r == null || r.length != a[0].length) {
                return "ragged (rows of different lengths)";
            }
        }
        return "[" + a.length + ", " + a[0].length + "]";
    }
}
