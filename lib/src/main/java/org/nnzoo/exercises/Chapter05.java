package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.exercises.SequenceChecks.Mistake;
import org.nnzoo.models.RnnCell;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 5 (RNN): one step of the Elman cell on plain arrays, checked against {@link RnnCell#step}. */
public final class Chapter05 {

    private Chapter05() {
    }

    /**
     * Exercise 5.1: {@code h' = tanh(W_ih x + b_ih + W_hh h + b_hh)} for one sequence: {@code x[D]}, {@code h[H]},
     * {@code wIh[H][D]}, {@code wHh[H][H]}, {@code bIh[H]}, {@code bHh[H]} → {@code h'[H]}.
     */
    @FunctionalInterface
    public interface RnnStep {
        float[] apply(float[] x, float[] h, float[][] wIh, float[][] wHh, float[] bIh, float[] bHh);
    }

    /** The cases of 5.1: input size D, state size H, and whether the previous state is zero. */
    private static final int[][] CASES = {{3, 4, 0}, {5, 2, 0}, {1, 1, 0}, {6, 8, 0}, {4, 4, 1}};

    @Checks("5.1")
    public static Report rnnStep(RnnStep answer) {
        Report r = new Report("5.1");
        SplittableRandom rnd = new SplittableRandom(51);
        for (int[] cs : CASES) {
            int d = cs[0], hidden = cs[1];
            float[] x = SequenceChecks.vector(rnd, d);
            float[] h = cs[2] == 1 ? new float[hidden] : SequenceChecks.vector(rnd, hidden);
            float[][] wIh = SequenceChecks.matrix(rnd, hidden, d);
            float[][] wHh = SequenceChecks.matrix(rnd, hidden, hidden);
            float[] bIh = SequenceChecks.vector(rnd, hidden);
            float[] bHh = SequenceChecks.vector(rnd, hidden);
            String what = String.format("D = %d, H = %d%s", d, hidden, cs[2] == 1 ? ", h = 0" : "");
            float[] expected = SequenceChecks.libraryStep(new RnnCell(hidden), x, new float[][] {h}, wIh, wHh, bIh, bHh)[0];
            float[] got = answer.apply(x.clone(), h.clone(), SequenceChecks.copy(wIh), SequenceChecks.copy(wHh), bIh.clone(), bHh.clone());
            if (!r.compare(what, got, expected, 1e-4) && got != null && got.length == hidden) {
                r.hint(Arrays3.close(got, SequenceChecks.rnn(x, h, wIh, wHh, bIh, bHh, Mistake.NO_TANH)),
                        "the tanh is missing: h' = tanh(pre-activation), which keeps every unit in (-1, 1)");
                r.hint(Arrays3.close(got, SequenceChecks.rnn(x, h, wIh, wHh, bIh, bHh, Mistake.SIGMOID)),
                        "you used the sigmoid; the Elman cell (and DJL's RNN) use tanh, which is centred at 0");
                r.hint(Arrays3.close(got, SequenceChecks.rnn(x, h, wIh, wHh, bIh, bHh, Mistake.TRANSPOSED_W_HH)),
                        "W_hh is transposed: unit i of h' reads row i of the weights, sum_j wHh[i][j] * h[j]");
                r.hint(Arrays3.close(got, SequenceChecks.rnn(x, h, wIh, wHh, bIh, bHh, Mistake.NO_H2H_BIAS)),
                        "the bias b_hh is missing: PyTorch and DJL keep two biases, b_ih and b_hh, and add both");
            } else if (got != null && got.length != hidden) {
                r.hint(true, "h' has one value per hidden unit: H = " + hidden + " here (wIh has H rows)");
            }
        }
        return r;
    }
}
