package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.models.GruCell;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 6 (GRU): one step of the gated recurrent unit on plain arrays, checked against {@link GruCell#step}. */
public final class Chapter06 {

    private Chapter06() {
    }

    /**
     * Exercise 6.1: one GRU step for one sequence. The three gates' weights are stacked by rows in the order
     * r, z, n, as in PyTorch and DJL: {@code wIh[3H][D]}, {@code wHh[3H][H]}, {@code bIh[3H]}, {@code bHh[3H]};
     * {@code x[D]}, {@code h[H]} → {@code h'[H]}.
     */
    @FunctionalInterface
    public interface GruStep {
        float[] apply(float[] x, float[] h, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh);
    }

    /** The cases of 6.1: input size D, state size H, and whether the previous state is zero. */
    private static final int[][] CASES = {{3, 4, 0}, {5, 2, 0}, {1, 1, 0}, {6, 8, 0}, {4, 3, 1}};

    @Checks("6.1")
    public static Report gruStep(GruStep answer) {
        Report r = new Report("6.1");
        SplittableRandom rnd = new SplittableRandom(61);
        for (int[] cs : CASES) {
            int d = cs[0], hidden = cs[1];
            float[] x = SequenceChecks.vector(rnd, d);
            float[] h = cs[2] == 1 ? new float[hidden] : SequenceChecks.vector(rnd, hidden);
            float[][] wIh = SequenceChecks.matrix(rnd, 3 * hidden, d);
            float[][] wHh = SequenceChecks.matrix(rnd, 3 * hidden, hidden);
            float[] bIh = SequenceChecks.vector(rnd, 3 * hidden);
            float[] bHh = SequenceChecks.vector(rnd, 3 * hidden);
            String what = String.format("D = %d, H = %d%s", d, hidden, cs[2] == 1 ? ", h = 0" : "");
            float[] expected = SequenceChecks.libraryStep(new GruCell(hidden), x, new float[][] {h}, wIh, wHh, bIh, bHh)[0];
            float[] got = answer.apply(x.clone(), h.clone(), SequenceChecks.copy(wIh), SequenceChecks.copy(wHh), bIh.clone(), bHh.clone());
            if (!r.compare(what, got, expected, 1e-4) && got != null && got.length == hidden) {
                r.hint(Arrays3.close(got, SequenceChecks.gru(x, h, wIh, wHh, bIh, bHh, Mistake.RESET_OUTSIDE_BIAS)),
                        "the reset gate multiplies W_hn h + b_hn, bias included: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))");
                r.hint(Arrays3.close(got, SequenceChecks.gru(x, h, wIh, wHh, bIh, bHh, Mistake.Z_SWAPPED)),
                        "z and 1 - z are swapped: h' = (1 - z) * n + z * h, so z near 1 keeps the old state");
                r.hint(Arrays3.close(got, SequenceChecks.gru(x, h, wIh, wHh, bIh, bHh, Mistake.R_Z_ORDER)),
                        "the gates are stacked r, z, n: rows [0, H) are the reset gate, [H, 2H) the update gate, [2H, 3H) the candidate");
            } else if (got != null && got.length != hidden) {
                r.hint(true, "h' has one value per hidden unit: H = " + hidden + " here (wIh has 3H rows)");
            }
        }
        return r;
    }
}
