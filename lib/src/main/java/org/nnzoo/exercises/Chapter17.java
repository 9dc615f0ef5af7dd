package org.nnzoo.exercises;

import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

import org.nnzoo.models.ndp.DevGraph;
import org.nnzoo.models.ndp.Lndp;
import org.nnzoo.models.ndp.Ndp;
import org.nnzoo.models.ndp.TinyMlp;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/**
 * Chapter 17 (developmental networks): the NDP's message passing, checked against {@link Ndp#messagePassing},
 * and the LNDP's gated update of a node state or a synapse, checked against {@link Lndp#gatedUpdate}.
 */
public final class Chapter17 {

    private Chapter17() {
    }

    /**
     * Exercise 17.1: {@code times} rounds of synchronous message passing {@code s_i <- f(sum_j w[j][i] s[j])} on a
     * graph given by its weights ({@code w[j][i] = w[i][j]}, 0 where there is no edge); returns the new states.
     */
    @FunctionalInterface
    public interface MessagePassing {
        double[][] apply(double[][] w, double[][] s, UnaryOperator<double[]> f, int times);
    }

    /**
     * Exercise 17.2: the gated update {@code (1 - z) old + z c} with {@code z = sigma(uz . v + bz)} and
     * {@code c = tanh(uc . v + bc)}.
     */
    @FunctionalInterface
    public interface GatedUpdate {
        double apply(double old, double[] uz, double bz, double[] uc, double bc, double[] v);
    }

    /** The cases of 17.1: nodes, state size, edge probability, self-loop on node 0 (1/0), passes. */
    private static final double[][] PASS_CASES = {{3, 2, 1, 1, 1}, {5, 3, 0.5, 1, 3}, {8, 5, 0.4, 0, 4}, {6, 5, 0.6, 1, 7}};

    private enum Mistake { NONE, IN_PLACE, NO_TRANSFORM, PLUS_SELF }

    @Checks("17.1")
    public static Report messagePassing(MessagePassing answer) {
        Report r = new Report("17.1");
        SplittableRandom rnd = new SplittableRandom(171);
        for (double[] cs : PASS_CASES) {
            int n = (int) cs[0], d = (int) cs[1], times = (int) cs[4];
            double[][] w = new double[n][n];
            double[][] s = new double[n][d];
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    boolean edge = i == j ? i == 0 && cs[3] == 1 : rnd.nextDouble() < cs[2];
                    if (edge) {
                        w[i][j] = rnd.nextDouble(-1, 1);
                        w[j][i] = w[i][j];
                    }
                }
                for (int c = 0; c < d; c++) {
                    s[i][c] = rnd.nextDouble(-1, 1);
                }
            }
            double[] genome = rnd.doubles(TinyMlp.size(d, 5, d), -1, 1).toArray();
            TinyMlp mlp = new TinyMlp(genome, 0, d, 5, d);
            String what = String.format("%d nodes, d = %d, %d pass(es)%s", n, d, times, cs[3] == 1 ? ", a self-loop on node 0" : "");
            double[] want = flat(reference(w, s, mlp, times));
            double[][] got = answer.apply(Arrays3.copy(w), Arrays3.copy(s), x -> mlp.apply(x.clone()), times);
            if (got == null || got.length != n || got[0] == null || got[0].length != d) {
                r.fail(what + ": the states should be [nodes][d] = [" + n + "][" + d + "], got "
                        + (got == null ? "null" : "[" + got.length + "][" + (got.length == 0 || got[0] == null ? "?" : got[0].length) + "]"));
                continue;
            }
            double[] g = flat(got);
            if (r.compare(what, g, want, 1e-12)) {
                continue;
            }
            r.hint(close(g, flat(variant(w, s, mlp, times, Mistake.IN_PLACE))),
                    "the passes must be synchronous: compute every node's new state from the old states (into a new array), "
                            + "then replace all of them at once");
            r.hint(close(g, flat(variant(w, s, mlp, times, Mistake.NO_TRANSFORM))),
                    "the message m_i = sum_j w[j][i] s_j is not the new state: apply the transform, s_i = f(m_i)");
            r.hint(close(g, flat(variant(w, s, mlp, times, Mistake.PLUS_SELF))),
                    "a node hears itself only through a self-loop (w[i][i] != 0): do not add s_i to the message");
            r.hint(times > 1 && close(g, flat(reference(w, s, mlp, 1))), "run the pass `times` times, each on the states of the one before");
        }
        return r;
    }

    /** The library's message passing on the same graph. */
    private static double[][] reference(double[][] w, double[][] s, TinyMlp mlp, int times) {
        int n = s.length, d = s[0].length;
        DevGraph g = new DevGraph(d, n);
        for (int i = 0; i < n; i++) {
            g.addNode(s[i], i == 0 ? -1 : 0, 0);
        }
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                if (w[i][j] != 0) {
                    g.connect(i, j, w[i][j]);
                }
            }
        }
        Ndp.messagePassing(g, mlp, times);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = g.state(i);
        }
        return out;
    }

    private static double[][] variant(double[][] w, double[][] s0, TinyMlp mlp, int times, Mistake mistake) {
        int n = s0.length, d = s0[0].length;
        double[][] s = Arrays3.copy(s0);
        for (int t = 0; t < times; t++) {
            double[][] next = mistake == Mistake.IN_PLACE ? s : new double[n][];
            for (int i = 0; i < n; i++) {
                double[] m = new double[d];
                for (int j = 0; j < n; j++) {
                    for (int c = 0; c < d; c++) {
                        m[c] += w[j][i] * s[j][c];
                    }
                }
                if (mistake == Mistake.PLUS_SELF) {
                    for (int c = 0; c < d; c++) {
                        m[c] += s[i][c];
                    }
                }
                next[i] = mistake == Mistake.NO_TRANSFORM ? m : mlp.apply(m);
            }
            s = next;
        }
        return s;
    }

    /** The cases of 17.2: the number of features, and how many (old, v) pairs. */
    private static final int[][] GATE_CASES = {{1, 4}, {3, 6}, {13, 6}, {18, 6}};

    @Checks("17.2")
    public static Report gatedUpdate(GatedUpdate answer) {
        Report r = new Report("17.2");
        SplittableRandom rnd = new SplittableRandom(172);
        for (int[] cs : GATE_CASES) {
            int len = cs[0];
            double[] p = rnd.doubles(2 * (len + 1), -1.5, 1.5).toArray();   // uz, bz, uc, bc
            double[] uz = java.util.Arrays.copyOfRange(p, 0, len);
            double[] uc = java.util.Arrays.copyOfRange(p, len + 1, 2 * len + 1);
            double bz = p[len];
            double bc = p[2 * len + 1];
            double[] want = new double[cs[1]];
            double[] got = new double[cs[1]];
            double[][] wrong = new double[4][cs[1]];
            for (int k = 0; k < cs[1]; k++) {
                double old = rnd.nextDouble(-1, 1);
                double[] v = rnd.doubles(len, -1, 1).toArray();
                want[k] = Lndp.gatedUpdate(old, p, 0, len + 1, v, len);
                got[k] = answer.apply(old, uz.clone(), bz, uc.clone(), bc, v.clone());
                double z = sigmoid(dot(uz, v) + bz);
                double c = Math.tanh(dot(uc, v) + bc);
                wrong[0][k] = z * old + (1 - z) * c;                                              // gate swapped
                wrong[1][k] = (1 - sigmoid(dot(uz, v))) * old + sigmoid(dot(uz, v)) * Math.tanh(dot(uc, v)); // no biases
                double zt = Math.tanh(dot(uz, v) + bz);
                wrong[2][k] = (1 - zt) * old + zt * sigmoid(dot(uc, v) + bc);                      // sigma and tanh swapped
                wrong[3][k] = (1 - z) * old + z * (dot(uc, v) + bc);                               // no tanh
            }
            String what = String.format("%d feature(s), %d updates", len, cs[1]);
            if (!r.compare(what, got, want, 1e-12)) {
                r.hint(close(got, wrong[0]), "the gate is the share of the NEW value: (1 - z) old + z c, not z old + (1 - z) c");
                r.hint(close(got, wrong[1]), "the biases bz and bc are missing");
                r.hint(close(got, wrong[2]), "sigma and tanh are swapped: the gate z = sigma(...) is in (0, 1), the candidate c = tanh(...) in (-1, 1)");
                r.hint(close(got, wrong[3]), "the candidate is squashed: c = tanh(uc . v + bc)");
            }
        }
        return r;
    }

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }


    private static double[] flat(double[][] a) {
        int cols = a[0].length;
        double[] out = new double[a.length * cols];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == null || a[i].length != cols) {
                return new double[0];
            }
            System.arraycopy(a[i], 0, out, i * cols, cols);
        }
        return out;
    }

    private static boolean close(double[] a, double[] b) {
        return Arrays3.close(a, b, 1e-9);
    }
}
