package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.models.PointerNetwork;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

/**
 * Chapter 15 (pointer networks): one step of the pointer, the additive scores over the input positions and the
 * masked softmax, checked against {@link PointerNetwork#scores} and {@link PointerNetwork#pointedMask}.
 */
public final class Chapter15 {

    private Chapter15() {
    }

    /**
     * Exercise 15.1: the pointer distribution of one decoder step,
     * {@code p[j] = softmax_j(u_j + M_j)} with {@code u_j = v . tanh(W1 e_j + W2 d)} and {@code M_j = -infinity}
     * where position j was already pointed at.
     */
    @FunctionalInterface
    public interface Pointer {
        /**
         * @param e       {@code e[j][l]}: the encoder state of input position j
         * @param d       {@code d[l]}: the decoder state of this step
         * @param w1      {@code (W1 e_j)[k] = sum_l w1[k][l] e[j][l]} (row k: hidden unit k, as DJL's {@code Linear} stores it)
         * @param w2      {@code (W2 d)[k] = sum_l w2[k][l] d[l]}
         * @param v       {@code v[k]}
         * @param pointed {@code pointed[j]}: position j was chosen at an earlier step
         * @return {@code p[j]}
         */
        double[] apply(float[][] e, float[] d, float[][] w1, float[][] w2, float[] v, boolean[] pointed);
    }

    /** The cases of 15.1: positions, state size, positions already pointed at, scale of v. */
    private static final int[][] CASES = {{5, 4, 0, 1}, {6, 8, 2, 1}, {10, 8, 5, 1}, {7, 6, 6, 1}, {8, 8, 3, 3000}};

    /** Checks 15.1 against {@link PointerNetwork#scores}, {@link PointerNetwork#pointedMask} and a softmax on five cases. */
    @Checks("15.1")
    public static Report pointer(Pointer answer) {
        Report r = new Report("15.1");
        SplittableRandom rnd = new SplittableRandom(151);
        for (int[] cs : CASES) {
            int n = cs[0], h = cs[1], chosen = cs[2], scale = cs[3];
            float[][] e = matrix(rnd, n, h, 1);
            float[] d = matrix(rnd, 1, h, 1)[0];
            float[][] w1 = matrix(rnd, h, h, 1);
            float[][] w2 = matrix(rnd, h, h, 1);
            float[] v = matrix(rnd, 1, h, scale)[0];
            int[] order = permutation(rnd, n);
            boolean[] pointed = new boolean[n];
            for (int k = 0; k < chosen; k++) {
                pointed[order[k]] = true;
            }
            String what = String.format("%d positions, state size %d, %d already pointed at%s", n, h, chosen,
                    scale > 1 ? ", large scores (|v| up to " + scale + ")" : "");
            double[] expected = reference(e, d, w1, w2, v, order, chosen);
            double[] got = answer.apply(Arrays3.copy(e), d.clone(), Arrays3.copy(w1), Arrays3.copy(w2), v.clone(), pointed.clone());
            if (r.compare(what, got, expected, 1e-4) || got == null || got.length != n) {
                continue;
            }
            double sum = 0;
            boolean nan = false;
            for (double p : got) {
                sum += p;
                nan |= Double.isNaN(p) || Double.isInfinite(p);
            }
            r.hint(nan, "NaN or infinity: exp of a large score overflows; subtract the largest unmasked score from every "
                    + "score before exp (the softmax does not change)");
            r.hint(!nan && Math.abs(sum - 1) > 1e-3, String.format("your values sum to %.4g: a distribution sums to 1; "
                    + "apply the softmax, exp(u_j) / sum_k exp(u_k)", sum));
            r.hint(close(got, plain(e, d, w1, w2, v, pointed, Mistake.NO_MASK)),
                    "positions already pointed at must get probability 0: add -infinity (the library: -1e9) to their scores");
            r.hint(close(got, plain(e, d, w1, w2, v, pointed, Mistake.MASK_AFTER)),
                    "mask before the softmax, not after: zeroing probabilities afterwards leaves a sum below 1");
            r.hint(close(got, plain(e, d, w1, w2, v, pointed, Mistake.TRANSPOSED)),
                    "W1 and W2 are transposed: (W1 e_j)[k] = sum_l w1[k][l] e[j][l], row k of w1 belongs to hidden unit k");
            r.hint(close(got, plain(e, d, w1, w2, v, pointed, Mistake.NO_TANH)),
                    "the tanh is missing: u_j = v . tanh(W1 e_j + W2 d)");
        }
        return r;
    }

    /**
     * The library's distribution: {@link PointerNetwork#scores} with these weights, plus the row of
     * {@link PointerNetwork#pointedMask} for a decoder fed the values at {@code order[0..chosen)}, softmax.
     */
    private static double[] reference(float[][] e, float[] d, float[][] w1, float[][] w2, float[] v, int[] order, int chosen) {
        int n = e.length, h = d.length;
        PointerNetwork net = new PointerNetwork(h);
        boolean[] set = new boolean[3];
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(1, n), new Shape(1, n));
            for (Pair<String, Parameter> p : net.getParameters()) {
                switch (p.getKey().replaceFirst("^[0-9]+", "")) {  // DJL prefixes a child's position: 05w1_weight
                    case "w1_weight" -> {
                        p.getValue().getArray().set(flat(w1));
                        set[0] = true;
                    }
                    case "w2_weight" -> {
                        p.getValue().getArray().set(flat(w2));
                        set[1] = true;
                    }
                    case "v_weight" -> {
                        p.getValue().getArray().set(v);
                        set[2] = true;
                    }
                    default -> { }
                }
            }
            if (!set[0] || !set[1] || !set[2]) {
                throw new IllegalStateException("PointerNetwork's parameters are no longer named w1_weight, w2_weight, v_weight: "
                        + net.getParameters().keys());
            }
            float[] values = new float[n];
            for (int j = 0; j < n; j++) {
                values[j] = (j + 1f) / (n + 1f);  // distinct: the mask finds a position by its value
            }
            float[] fed = new float[chosen + 1];
            fed[0] = PointerNetwork.START;
            for (int k = 0; k < chosen; k++) {
                fed[k + 1] = values[order[k]];
            }
            NDArray u = net.scores(new ParameterStore(m, false), m.create(flat(e), new Shape(1, n, h)),
                    m.create(d, new Shape(1, 1, h)), false).reshape(n);
            NDArray mask = PointerNetwork.pointedMask(m.create(values, new Shape(1, n)), m.create(fed, new Shape(1, chosen + 1)))
                    .get(0, chosen);
            NDList out = new NDList(u.add(mask).softmax(-1));
            float[] p = out.head().toFloatArray();
            double[] res = new double[n];
            for (int j = 0; j < n; j++) {
                res[j] = p[j];
            }
            return res;
        }
    }

    private enum Mistake { NO_MASK, MASK_AFTER, TRANSPOSED, NO_TANH }

    /** The distribution in plain double arithmetic with one typical mistake, to recognise it in a wrong answer. */
    private static double[] plain(float[][] e, float[] d, float[][] w1, float[][] w2, float[] v, boolean[] pointed, Mistake mistake) {
        int n = e.length, h = d.length;
        double[] u = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            for (int k = 0; k < h; k++) {
                double z = 0;
                for (int l = 0; l < h; l++) {
                    boolean t = mistake == Mistake.TRANSPOSED;
                    z += (t ? w1[l][k] : w1[k][l]) * e[j][l] + (t ? w2[l][k] : w2[k][l]) * d[l];
                }
                u[j] += v[k] * (mistake == Mistake.NO_TANH ? z : Math.tanh(z));
            }
            boolean masked = pointed[j] && mistake != Mistake.NO_MASK && mistake != Mistake.MASK_AFTER;
            if (!masked) {
                max = Math.max(max, u[j]);
            }
        }
        double sum = 0;
        double[] p = new double[n];
        for (int j = 0; j < n; j++) {
            boolean masked = pointed[j] && mistake != Mistake.NO_MASK && mistake != Mistake.MASK_AFTER;
            p[j] = masked ? 0 : Math.exp(u[j] - max);
            sum += p[j];
        }
        for (int j = 0; j < n; j++) {
            p[j] = mistake == Mistake.MASK_AFTER && pointed[j] ? 0 : p[j] / sum;
        }
        return p;
    }

    private static boolean close(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= 1e-4)) {
                return false;
            }
        }
        return true;
    }

    private static float[][] matrix(SplittableRandom rnd, int rows, int cols, double scale) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) (scale * rnd.nextDouble(-1, 1));
            }
        }
        return a;
    }

    private static int[] permutation(SplittableRandom rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    private static float[] flat(float[][] a) {
        float[] f = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, f, i * a[0].length, a[0].length);
        }
        return f;
    }

}
