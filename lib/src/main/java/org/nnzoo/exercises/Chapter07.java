package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.models.LstmCell;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 7 (LSTM): one step of the LSTM cell on plain arrays, checked against {@link LstmCell#step}. */
public final class Chapter07 {

    private Chapter07() {
    }

    /**
     * Exercise 7.1: one LSTM step for one sequence. The four gates' weights are stacked by rows in PyTorch's
     * order i, f, g, o: {@code wIh[4H][D]}, {@code wHh[4H][H]}, {@code bIh[4H]}, {@code bHh[4H]};
     * {@code x[D]}, {@code h[H]}, {@code c[H]} → {@code {h'[H], c'[H]}}.
     */
    @FunctionalInterface
    public interface LstmStep {
        float[][] apply(float[] x, float[] h, float[] c, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh);
    }

    /** The cases of 7.1: input size D, state size H, and whether the previous state is zero. */
    private static final int[][] CASES = {{3, 4, 0}, {5, 2, 0}, {1, 1, 0}, {6, 8, 0}, {4, 3, 1}};

    @Checks("7.1")
    public static Report lstmStep(LstmStep answer) {
        Report r = new Report("7.1");
        SplittableRandom rnd = new SplittableRandom(71);
        for (int[] cs : CASES) {
            int d = cs[0], hidden = cs[1];
            float[] x = SequenceChecks.vector(rnd, d);
            float[] h = cs[2] == 1 ? new float[hidden] : SequenceChecks.vector(rnd, hidden);
            float[] c = cs[2] == 1 ? new float[hidden] : SequenceChecks.vector(rnd, hidden);
            float[][] wIh = SequenceChecks.matrix(rnd, 4 * hidden, d);
            float[][] wHh = SequenceChecks.matrix(rnd, 4 * hidden, hidden);
            float[] bIh = SequenceChecks.vector(rnd, 4 * hidden);
            float[] bHh = SequenceChecks.vector(rnd, 4 * hidden);
            String what = String.format("D = %d, H = %d%s", d, hidden, cs[2] == 1 ? ", h = c = 0" : "");
            float[][] expected = SequenceChecks.libraryStep(new LstmCell(hidden), x, new float[][] {h, c}, wIh, wHh, bIh, bHh);
            float[][] got = answer.apply(x.clone(), h.clone(), c.clone(), SequenceChecks.copy(wIh), SequenceChecks.copy(wHh),
                    bIh.clone(), bHh.clone());
            if (!SequenceChecks.isMatrix(got, 2, hidden)) {
                r.fail(what + ": returned shape " + SequenceChecks.shape(got) + ", expected [2, " + hidden + "]");
                r.hint(true, "return new float[][] {hNext, cNext}: the new output h' first, then the new cell state c'");
                continue;
            }
            float[] flat = SequenceChecks.flatten(got);
            if (!r.compare(what + " (h' then c')", flat, SequenceChecks.flatten(expected), 1e-4)) {
                r.hint(Arrays3.close(got[0], expected[0]) && !Arrays3.close(got[1], expected[1]),
                        "h' is right but c' is not: return the new cell state c' = f * c + i * g, not c or tanh(c')");
                r.hint(close(got, x, h, c, wIh, wHh, bIh, bHh, Mistake.IFOG_ORDER),
                        "the gates are stacked in PyTorch's order i, f, g, o: rows [2H, 3H) are the candidate g, [3H, 4H) the output gate");
                r.hint(close(got, x, h, c, wIh, wHh, bIh, bHh, Mistake.H_WITHOUT_TANH),
                        "h' = o * tanh(c'): the tanh of the new cell state is missing");
                r.hint(close(got, x, h, c, wIh, wHh, bIh, bHh, Mistake.NO_INPUT_GATE),
                        "the input gate is missing: c' = f * c + i * g");
            }
        }
        return r;
    }

    private static boolean close(float[][] got, float[] x, float[] h, float[] c, float[][] wIh, float[][] wHh, float[] bIh,
            float[] bHh, Mistake mistake) {
        return Arrays3.close(SequenceChecks.flatten(got), SequenceChecks.flatten(SequenceChecks.lstm(x, h, c, wIh, wHh, bIh, bHh, mistake)));
    }
}
