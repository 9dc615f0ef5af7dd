package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.models.Snn;
import org.nnzoo.models.Stdp;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/**
 * Chapter 16 (spiking networks): the LIF neuron's update, checked against {@link Snn.Lif#simulate}, and the
 * pair-based STDP rule with traces, checked against {@link Stdp#traceRule}.
 */
public final class Chapter16 {

    private Chapter16() {
    }

    /**
     * Exercise 16.1: one LIF neuron driven by {@code current[t]}, from rest: the membrane potential
     * {@code U[t]} and the spikes {@code S[t]} (0/1) at every step.
     */
    @FunctionalInterface
    public interface LifNeuron {
        Snn.Trace simulate(double[] current, double beta, double threshold, Snn.Reset reset);
    }

    /**
     * Exercise 16.2: the total weight change {@code dw[j][i]} that the pair-based STDP rule with exponential
     * traces gives for the spike trains {@code pre[t][i]} (inputs) and {@code post[t][j]} (neurons).
     */
    @FunctionalInterface
    public interface StdpTraces {
        double[][] dw(Stdp.Rule rule, boolean[][] pre, boolean[][] post);
    }

    /** The cases of 16.1: beta, threshold, reset (0 subtract, 1 zero), steps, mean current, noise. */
    private static final double[][] LIF_CASES = {
        {0.9, 1, 0, 20, 0.3, 0}, {0.95, 1, 0, 60, 0.12, 0.15}, {0.8, 0.5, 1, 40, 0.2, 0.2}, {0.5, 2, 0, 30, 1.2, 0.6},
        {1, 1.5, 1, 30, 0.25, 0.1},
    };

    @Checks("16.1")
    public static Report lif(LifNeuron answer) {
        Report r = new Report("16.1");
        SplittableRandom rnd = new SplittableRandom(161);
        for (double[] cs : LIF_CASES) {
            double beta = (float) cs[0];            // exactly the decay the library's float parameter holds
            double threshold = (float) cs[1];
            Snn.Reset reset = cs[2] == 0 ? Snn.Reset.SUBTRACT : Snn.Reset.ZERO;
            double[] current = new double[(int) cs[3]];
            for (int t = 0; t < current.length; t++) {
                current[t] = cs[4] + cs[5] * (2 * rnd.nextDouble() - 1);
            }
            String what = String.format("beta %.2f, threshold %.1f, reset %s, %d steps of current around %.2f",
                    beta, threshold, reset, current.length, cs[4]);
            Snn.Trace want = new Snn.Lif((float) beta, (float) threshold, reset, Snn.Surrogate.FAST_SIGMOID, 25f).simulate(current);
            Snn.Trace got = answer.simulate(current.clone(), beta, threshold, reset);
            if (got == null || got.membrane() == null || got.spikes() == null) {
                r.fail(what + ": your code returned null (return new Snn.Trace(u, s))");
                continue;
            }
            boolean ok = r.compare(what + ": membrane U[t]", got.membrane(), want.membrane(), 1e-9);
            if (ok) {
                r.compare(what + ": spikes S[t]", toDouble(got.spikes()), toDouble(want.spikes()), 0);
                continue;
            }
            double[] u = got.membrane();
            Snn.Reset other = reset == Snn.Reset.SUBTRACT ? Snn.Reset.ZERO : Snn.Reset.SUBTRACT;
            r.hint(close(u, lifVariant(current, beta, threshold, other, Mistake.NONE)),
                    "this is the other reset: SUBTRACT takes theta away (U[t] = beta U[t-1] + I[t] - S[t-1] theta), "
                            + "ZERO forgets the charge (U[t] = beta (1 - S[t-1]) U[t-1] + I[t])");
            r.hint(close(u, lifVariant(current, beta, threshold, reset, Mistake.RESET_AT_ONCE)),
                    "you reset in the step of the spike and recorded the reset potential: U[t] is recorded as it is, "
                            + "S[t] = H(U[t] - theta), and the reset acts in the next step through S[t-1]");
            boolean decayedInput = close(u, lifVariant(current, beta, threshold, reset, Mistake.DECAYED_INPUT));
            r.hint(decayedInput, "only the old potential decays: beta U[t-1] + I[t], not beta (U[t-1] + I[t])");
            r.hint(!decayedInput && u.length == current.length && u.length > 0 && Math.abs(u[0] - current[0]) > 1e-9,
                    "the neuron starts at rest (U = 0), so U[0] = I[0]");
        }
        return r;
    }

    enum Mistake { NONE, RESET_AT_ONCE, DECAYED_INPUT }

    /** The LIF neuron with one typical mistake (NONE: the right neuron, as {@link Snn.Lif#simulate}). */
    static double[] lifVariant(double[] current, double beta, double threshold, Snn.Reset reset, Mistake mistake) {
        double[] u = new double[current.length];
        double prev = 0;
        int fired = 0;
        for (int t = 0; t < current.length; t++) {
            double v;
            if (mistake == Mistake.DECAYED_INPUT) {
                v = reset == Snn.Reset.SUBTRACT ? beta * (prev + current[t]) - fired * threshold
                        : beta * (prev * (1 - fired) + current[t]);
            } else if (mistake == Mistake.RESET_AT_ONCE) {
                v = beta * prev + current[t];
            } else {
                v = t == 0 ? current[0]
                        : reset == Snn.Reset.SUBTRACT ? beta * prev + current[t] - fired * threshold
                        : beta * prev * (1 - fired) + current[t];
            }
            fired = v - threshold > 0 ? 1 : 0;
            if (mistake == Mistake.RESET_AT_ONCE && fired == 1) {
                v = reset == Snn.Reset.SUBTRACT ? v - threshold : 0;
            }
            u[t] = v;
            prev = v;
        }
        return u;
    }

    /** The cases of 16.2: steps, inputs, neurons, pre rate, post rate. */
    private static final double[][] STDP_CASES = {{12, 3, 2, 0.3, 0.2}, {30, 5, 4, 0.2, 0.15}, {50, 8, 3, 0.1, 0.1}};

    @Checks("16.2")
    public static Report stdp(StdpTraces answer) {
        Report r = new Report("16.2");
        SplittableRandom rnd = new SplittableRandom(162);
        Stdp.Rule rule = new Stdp.Rule(0.01, 0.012, 5, 4, 1);
        // single pairs first: their changes are the closed form A+ exp(-dt/tau+) and -A- exp(dt/tau-)
        boolean[][] pre = new boolean[8][2];
        boolean[][] post = new boolean[8][1];
        pre[2][0] = true;
        pre[4][1] = true;
        post[5][0] = true;
        checkStdp(r, answer, rule, pre, post, "input 0 spikes at step 2, input 1 at step 4, the neuron at step 5");
        checkStdp(r, answer, rule, new boolean[][] {{false}, {false}, {false}, {false}, {true}},
                new boolean[][] {{false}, {true}, {false}, {false}, {false}}, "one pair, post 3 steps before pre");
        boolean[][] same = {{false}, {true}, {false}};
        checkStdp(r, answer, rule, same, same, "pre and post in the same step");
        for (double[] cs : STDP_CASES) {
            int steps = (int) cs[0], n = (int) cs[1], m = (int) cs[2];
            boolean[][] x = trains(rnd, steps, n, cs[3]);
            boolean[][] y = trains(rnd, steps, m, cs[4]);
            checkStdp(r, answer, rule, x, y, String.format("%d steps, %d inputs, %d neurons, random spikes", steps, n, m));
        }
        return r;
    }

    private static void checkStdp(Report r, StdpTraces answer, Stdp.Rule rule, boolean[][] pre, boolean[][] post, String what) {
        int n = pre[0].length, m = post[0].length;
        double[] want = flat(Stdp.traceRule(rule, pre, post), m, n);
        double[][] got = answer.dw(rule, copy(pre), copy(post));
        if (got == null || got.length != m || got[0] == null || got[0].length != n) {
            r.fail(what + ": dw should be [neurons][inputs] = [" + m + "][" + n + "], got "
                    + (got == null ? "null" : "[" + got.length + "][" + (got.length == 0 || got[0] == null ? "?" : got[0].length) + "]"));
            return;
        }
        double[] g = flat(got, m, n);
        if (r.compare(what, g, want, 1e-12)) {
            return;
        }
        r.hint(close(g, flat(Stdp.traceRule(new Stdp.Rule(rule.aMinus(), rule.aPlus(), rule.tauPlus(), rule.tauMinus(), 1), pre, post), m, n)),
                "A+ and A- are swapped: a post spike potentiates by A+ x_i, a pre spike depresses by A- y_j");
        r.hint(close(g, flat(stdpVariant(rule, pre, post, false, true), m, n)),
                "the traces never decay: multiply x by exp(-1/tau+) and y by exp(-1/tau-) at the start of every step");
        r.hint(close(g, flat(stdpVariant(rule, pre, post, true, false), m, n)),
                "a pre and a post spike in the same step count as causal (dt = 0: potentiation): handle the pre spikes "
                        + "(depression by y_j, then x_i += 1) before the post spikes read x_i");
        double[] neg = want.clone();
        for (int i = 0; i < neg.length; i++) {
            neg[i] = -neg[i];
        }
        r.hint(close(g, neg), "the signs are flipped: pre before post strengthens (+A+ x_i), post before pre weakens (-A- y_j)");
    }

    /** The trace rule with the decay on or off and the pre spikes handled before or after the post spikes. */
    static double[][] stdpVariant(Stdp.Rule rule, boolean[][] pre, boolean[][] post, boolean decay, boolean preFirst) {
        int n = pre[0].length, m = post[0].length;
        double[][] dw = new double[m][n];
        double[] x = new double[n];
        double[] y = new double[m];
        double dx = decay ? Math.exp(-1 / rule.tauPlus()) : 1;
        double dy = decay ? Math.exp(-1 / rule.tauMinus()) : 1;
        for (int t = 0; t < pre.length; t++) {
            for (int i = 0; i < n; i++) {
                x[i] *= dx;
            }
            for (int j = 0; j < m; j++) {
                y[j] *= dy;
            }
            for (int pass = 0; pass < 2; pass++) {
                if ((pass == 0) == preFirst) {
                    for (int i = 0; i < n; i++) {
                        if (pre[t][i]) {
                            for (int j = 0; j < m; j++) {
                                dw[j][i] -= rule.aMinus() * y[j];
                            }
                            x[i] += 1;
                        }
                    }
                } else {
                    for (int j = 0; j < m; j++) {
                        if (post[t][j]) {
                            for (int i = 0; i < n; i++) {
                                dw[j][i] += rule.aPlus() * x[i];
                            }
                            y[j] += 1;
                        }
                    }
                }
            }
        }
        return dw;
    }

    private static boolean[][] trains(SplittableRandom rnd, int steps, int units, double rate) {
        boolean[][] s = new boolean[steps][units];
        for (boolean[] row : s) {
            for (int i = 0; i < units; i++) {
                row[i] = rnd.nextDouble() < rate;
            }
        }
        return s;
    }

    private static boolean[][] copy(boolean[][] a) {
        boolean[][] c = new boolean[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    private static double[] flat(double[][] a, int rows, int cols) {
        double[] out = new double[rows * cols];
        for (int j = 0; j < rows; j++) {
            if (a[j] == null || a[j].length != cols) {
                return new double[0];
            }
            System.arraycopy(a[j], 0, out, j * cols, cols);
        }
        return out;
    }

    private static double[] toDouble(int[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    private static boolean close(double[] a, double[] b) {
        return Arrays3.close(a, b, 1e-9);
    }
}
