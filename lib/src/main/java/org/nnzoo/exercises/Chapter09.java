package org.nnzoo.exercises;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.nnzoo.models.MultiHeadAttention;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/**
 * Chapter 9 (Transformer): scaled dot-product attention with an optional causal mask on plain arrays, checked
 * against {@link MultiHeadAttention#attention} and {@link MultiHeadAttention#causalMask}.
 */
public final class Chapter09 {

    private Chapter09() {
    }

    /**
     * Exercise 9.1: {@code softmax(Q K^T / sqrt(d) + M) V} for one head: {@code q[Tq][d]}, {@code k[Tk][d]},
     * {@code v[Tk][dv]} → {@code out[Tq][dv]}; with {@code causal} (then {@code Tq == Tk}) query i attends only
     * to keys {@code j <= i}.
     */
    @FunctionalInterface
    public interface Attention {
        float[][] apply(float[][] q, float[][] k, float[][] v, boolean causal);
    }

    /** Mistakes the check recognises. */
    enum Mistake { NONE, NO_SCALE, SCALE_BY_D, NO_MASK, MASK_INVERTED, SOFTMAX_OVER_QUERIES }

    /** The cases of 9.1: Tq, Tk, d, dv, causal (1) or not (0). */
    private static final int[][] CASES = {{3, 3, 2, 1, 0}, {2, 5, 3, 2, 0}, {4, 4, 4, 3, 1}, {5, 5, 8, 4, 1}, {1, 1, 2, 2, 1}};

    @Checks("9.1")
    public static Report attention(Attention answer) {
        Report r = new Report("9.1");
        SplittableRandom rnd = new SplittableRandom(91);
        for (int[] cs : CASES) {
            int tq = cs[0], tk = cs[1], d = cs[2], dv = cs[3];
            boolean causal = cs[4] == 1;
            float[][] q = scaled(SequenceChecks.matrix(rnd, tq, d), 2);
            float[][] k = scaled(SequenceChecks.matrix(rnd, tk, d), 2);
            float[][] v = SequenceChecks.matrix(rnd, tk, dv);
            String what = String.format("Tq = %d, Tk = %d, d = %d, dv = %d%s", tq, tk, d, dv, causal ? ", causal" : "");
            float[][] expected = reference(q, k, v, causal);
            float[][] got = answer.apply(SequenceChecks.copy(q), SequenceChecks.copy(k), SequenceChecks.copy(v), causal);
            if (!SequenceChecks.isMatrix(got, tq, dv)) {
                r.fail(what + ": output shape " + SequenceChecks.shape(got) + ", expected [" + tq + ", " + dv + "]");
                r.hint(true, "one output row per query, each a weighted average of the value rows: [Tq, dv]");
                continue;
            }
            float[] flat = SequenceChecks.flatten(got);
            if (!r.compare(what, flat, SequenceChecks.flatten(expected), 1e-4)) {
                r.hint(like(flat, q, k, v, causal, Mistake.NO_SCALE), "the scores are not scaled: divide Q K^T by sqrt(d)");
                r.hint(like(flat, q, k, v, causal, Mistake.SCALE_BY_D), "you divided by d; the scale is sqrt(d)");
                r.hint(causal && like(flat, q, k, v, causal, Mistake.NO_MASK),
                        "the causal mask is not applied: query i must give weight 0 to every key j > i");
                r.hint(causal && like(flat, q, k, v, causal, Mistake.MASK_INVERTED),
                        "the mask is the wrong way round: query i may see keys j <= i (the past), not the future");
                r.hint(like(flat, q, k, v, causal, Mistake.SOFTMAX_OVER_QUERIES),
                        "the softmax runs over the wrong axis: each query's weights over the keys (a row) must sum to 1");
                r.hint(causal && Math.abs(got[0][0] - v[0][0]) > 1e-4,
                        "with the causal mask the first query sees only the first key, so its output is exactly v[0]");
            }
        }
        return r;
    }

    /** @return the library's attention on plain arrays */
    static float[][] reference(float[][] q, float[][] k, float[][] v, boolean causal) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray qa = m.create(SequenceChecks.flatten(q), new Shape(q.length, q[0].length));
            NDArray ka = m.create(SequenceChecks.flatten(k), new Shape(k.length, k[0].length));
            NDArray va = m.create(SequenceChecks.flatten(v), new Shape(v.length, v[0].length));
            NDArray mask = causal ? MultiHeadAttention.causalMask(m, q.length, k.length, DataType.FLOAT32) : null;
            return SequenceChecks.rows(MultiHeadAttention.attention(qa, ka, va, mask).get(0), v[0].length);
        }
    }

    /** @return attention in plain Java with {@code mistake} switched on */
    static float[][] plain(float[][] q, float[][] k, float[][] v, boolean causal, Mistake mistake) {
        int tq = q.length, tk = k.length, d = q[0].length, dv = v[0].length;
        double scale = mistake == Mistake.NO_SCALE ? 1 : mistake == Mistake.SCALE_BY_D ? d : Math.sqrt(d);
        double[][] s = new double[tq][tk];
        for (int i = 0; i < tq; i++) {
            for (int j = 0; j < tk; j++) {
                double dot = 0;
                for (int e = 0; e < d; e++) {
                    dot += q[i][e] * k[j][e];
                }
                boolean hidden = causal && (mistake == Mistake.MASK_INVERTED ? j < i : mistake != Mistake.NO_MASK && j > i);
                s[i][j] = hidden ? Double.NEGATIVE_INFINITY : dot / scale;
            }
        }
        double[][] w = new double[tq][tk];
        boolean byColumn = mistake == Mistake.SOFTMAX_OVER_QUERIES;
        for (int a = 0; a < (byColumn ? tk : tq); a++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int b = 0; b < (byColumn ? tq : tk); b++) {
                max = Math.max(max, byColumn ? s[b][a] : s[a][b]);
            }
            for (int b = 0; b < (byColumn ? tq : tk); b++) {
                double sv = byColumn ? s[b][a] : s[a][b];
                double e = sv == Double.NEGATIVE_INFINITY ? 0 : Math.exp(sv - max);
                sum += e;
                if (byColumn) {
                    w[b][a] = e;
                } else {
                    w[a][b] = e;
                }
            }
            for (int b = 0; b < (byColumn ? tq : tk); b++) {
                if (byColumn) {
                    w[b][a] = sum == 0 ? 0 : w[b][a] / sum;
                } else {
                    w[a][b] = sum == 0 ? 0 : w[a][b] / sum;
                }
            }
        }
        float[][] out = new float[tq][dv];
        for (int i = 0; i < tq; i++) {
            for (int c = 0; c < dv; c++) {
                double acc = 0;
                for (int j = 0; j < tk; j++) {
                    acc += w[i][j] * v[j][c];
                }
                out[i][c] = (float) acc;
            }
        }
        return out;
    }

    private static boolean like(float[] got, float[][] q, float[][] k, float[][] v, boolean causal, Mistake mistake) {
        return Arrays3.close(got, SequenceChecks.flatten(plain(q, k, v, causal, mistake)));
    }

    private static float[][] scaled(float[][] m, float by) {
        for (float[] row : m) {
            for (int i = 0; i < row.length; i++) {
                row[i] *= by;
            }
        }
        return m;
    }
}
