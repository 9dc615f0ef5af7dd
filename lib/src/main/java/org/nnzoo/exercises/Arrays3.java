package org.nnzoo.exercises;

import java.util.Arrays;

import org.nnzoo.notebook.Exercise.Report;

/** Nested-array helpers for the checks: the exercises use {@code x[c][h][w]} arrays, the references flat ones. */
public final class Arrays3 {

    private Arrays3() {
    }

    /** @return {@code a} (c*h*w values, row-major) as {@code [c][h][w]} */
    public static float[][][] unflatten(float[] a, int c, int h, int w) {
        float[][][] out = new float[c][h][w];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < h; j++) {
                System.arraycopy(a, (i * h + j) * w, out[i][j], 0, w);
            }
        }
        return out;
    }

    /** @return {@code a} (f*c*h*w values, row-major) as {@code [f][c][h][w]} */
    public static float[][][][] unflatten4(float[] a, int f, int c, int h, int w) {
        float[][][][] out = new float[f][][][];
        for (int i = 0; i < f; i++) {
            out[i] = unflatten(Arrays.copyOfRange(a, i * c * h * w, (i + 1) * c * h * w), c, h, w);
        }
        return out;
    }

    /** @return the values of a rectangular {@code [c][h][w]} array, row-major */
    public static float[] flatten(float[][][] a) {
        int c = a.length, h = a[0].length, w = a[0][0].length;
        float[] out = new float[c * h * w];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < h; j++) {
                System.arraycopy(a[i][j], 0, out, (i * h + j) * w, w);
            }
        }
        return out;
    }

    /**
     * Checks that {@code a} is a rectangular {@code [c][h][w]} array; records a failed case naming the
     * shape it has otherwise.
     *
     * @return true when the shape is right
     */
    public static boolean shapeIs(Report r, String what, float[][][] a, int c, int h, int w) {
        String got = shape(a);
        String want = Arrays.toString(new int[] {c, h, w});
        if (!got.equals(want)) {
            r.fail(what + ": output shape " + got + ", expected " + want);
            return false;
        }
        return true;
    }

    /** @return the shape of a nested array as "[c, h, w]", or a description of how it is ragged or null */
    public static String shape(float[][][] a) {
        if (a == null) {
            return "null";
        }
        if (a.length == 0 || a[0] == null) {
            return "[" + a.length + ", ?]";
        }
        int h = a[0].length;
        int w = h == 0 || a[0][0] == null ? -1 : a[0][0].length;
        for (float[][] plane : a) {
            if (plane == null || plane.length != h) {
                return "ragged (planes of different heights)";
            }
            for (float[] row : plane) {
                if (row == null || row.length != w) {
                    return "ragged (rows of different widths)";
                }
            }
        }
        return Arrays.toString(new int[] {a.length, h, w});
    }

    /** @return true when both arrays have the same length and values within 1e-4 */
    public static boolean close(float[] a, float[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-4 * Math.max(1, Math.abs(b[i])))) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true when both arrays have the same length and every value of {@code a} is within {@code tol} of
     *     {@code b}'s (scaled by max(1, |b|)); false for a null array
     */
    public static boolean close(double[] a, double[] b, double tol) {
        if (a == null || b == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= tol * Math.max(1, Math.abs(b[i])))) {
                return false;
            }
        }
        return true;
    }

    /** @return a deep copy of a matrix (the checks hand students copies, so an answer cannot change the reference's input) */
    public static float[][] copy(float[][] m) {
        float[][] c = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    /** @return a deep copy of a matrix */
    public static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }
}
