package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.models.Dqn;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;
import org.nnzoo.rl.HuberLoss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Chapter 14 (Q-learning and DQN): the two pieces of a DQN update that decide what is learned, checked
 * against the library's {@link Dqn#tdTarget} and {@link HuberLoss#of}.
 */
public final class Chapter14 {

    private Chapter14() {
    }

    /**
     * Exercise 14.1: the TD targets of a mini-batch, {@code y[j] = r[j] + gamma (1 - d[j]) max_a nextQ[j][a]}.
     */
    @FunctionalInterface
    public interface TdTarget {
        /**
         * @param rewards    {@code r[j]}
         * @param terminated {@code d[j]}: true for a real termination (no future after it)
         * @param nextQ      {@code nextQ[j][a]} = Q(s'_j, a; theta-), the target network's values of the next state
         * @param gamma      the discount factor
         * @return {@code y[j]}
         */
        double[] apply(float[] rewards, boolean[] terminated, float[][] nextQ, double gamma);
    }

    /** Exercise 14.2: the mean Huber loss of {@code prediction[j] - label[j]} with threshold {@code delta}. */
    @FunctionalInterface
    public interface Huber {
        /** @return {@code mean_j Huber_delta(prediction[j] - label[j])} */
        double apply(float[] prediction, float[] label, float delta);
    }

    /** The cases of 14.1: transitions, actions, gamma (in hundredths), terminations (every k-th, 0: none). */
    private static final int[][] TD_CASES = {{4, 2, 99, 0}, {6, 2, 99, 3}, {8, 3, 90, 2}, {5, 4, 50, 2}};

    /** Checks 14.1 against {@link Dqn#tdTarget} on four mini-batches, with hints for the usual mistakes. */
    @Checks("14.1")
    public static Report tdTarget(TdTarget answer) {
        Report r = new Report("14.1");
        SplittableRandom rnd = new SplittableRandom(141);
        for (int[] cs : TD_CASES) {
            int n = cs[0], actions = cs[1], every = cs[3];
            double gamma = cs[2] / 100.0;
            float[] rewards = new float[n];
            boolean[] done = new boolean[n];
            float[][] nextQ = new float[n][actions];
            int terminals = 0;
            for (int j = 0; j < n; j++) {
                rewards[j] = (float) rnd.nextDouble(-1, 2);
                done[j] = every > 0 && j % every == every - 1;
                terminals += done[j] ? 1 : 0;
                for (int a = 0; a < actions; a++) {
                    nextQ[j][a] = (float) rnd.nextDouble(-5, 30);
                }
            }
            String what = String.format("%d transitions, %d actions, gamma %.2f, %d terminated", n, actions, gamma, terminals);
            double[] expected = reference(rewards, done, nextQ, (float) gamma);
            double[] got = answer.apply(rewards.clone(), done.clone(), Arrays3.copy(nextQ), gamma);
            if (!r.compare(what, got, expected, 1e-5) && got != null && got.length == n) {
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.MAX, Mask.NONE)),
                        "a terminated transition has no future: its target is just r (multiply the bootstrap term by 1 - d)");
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.MAX, Mask.INVERTED)),
                        "the mask is the wrong way round: bootstrap when the transition did NOT terminate");
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.MAX, Mask.ZERO)),
                        "at a termination the target is r, not 0: the reward of the last step still counts");
                r.hint(close(got, variant(rewards, done, nextQ, 1.0, Bootstrap.MAX, Mask.RIGHT)),
                        "gamma is missing: discount the next state's value, r + gamma * max");
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.MEAN, Mask.RIGHT)),
                        "take the max over the next actions (the greedy policy's value), not their mean");
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.FIRST, Mask.RIGHT)),
                        "the max runs over every action a' of nextQ[j], not just nextQ[j][0]");
                r.hint(close(got, variant(rewards, done, nextQ, gamma, Bootstrap.MIN, Mask.RIGHT)),
                        "that is the min over the next actions: Q-learning bootstraps from the best one, the max");
            }
        }
        return r;
    }

    /** The cases of 14.2: batch size, delta (in tenths), spread of the errors (in tenths of delta). */
    private static final int[][] HUBER_CASES = {{6, 10, 5}, {8, 10, 30}, {10, 5, 40}, {12, 20, 20}, {7, 10, 80}};

    /** Checks 14.2 against {@link HuberLoss#of} on errors inside and beyond the threshold, of both signs. */
    @Checks("14.2")
    public static Report huber(Huber answer) {
        Report r = new Report("14.2");
        SplittableRandom rnd = new SplittableRandom(142);
        for (int[] cs : HUBER_CASES) {
            int n = cs[0];
            float delta = cs[1] / 10f;
            double spread = cs[2] / 10.0 * delta;
            float[] pred = new float[n];
            float[] label = new float[n];
            int beyond = 0;
            for (int j = 0; j < n; j++) {
                label[j] = (float) rnd.nextDouble(-3, 3);
                pred[j] = label[j] + (float) rnd.nextDouble(-spread, spread);
                beyond += Math.abs((double) pred[j] - label[j]) > delta ? 1 : 0;
            }
            String what = String.format("%d errors, delta %.1f, %d of them beyond delta", n, delta, beyond);
            double expected;
            try (NDManager m = NDManager.newBaseManager()) {
                expected = new HuberLoss(delta).of(m.create(pred), m.create(label)).getFloat();
            }
            double got = answer.apply(pred.clone(), label.clone(), delta);
            boolean ok = Math.abs(got - expected) <= 1e-5 * Math.max(1, Math.abs(expected));
            r.expect(ok, what, String.format("your loss is %.6g, expected %.6g", got, expected));
            if (!ok) {
                r.hint(near(got, huberVariant(pred, label, delta, 1.0, 0.5, true, true)),
                        "the quadratic part is 1/2 d^2 (its slope at |d| = delta is then delta, matching the linear part)");
                r.hint(near(got, huberVariant(pred, label, delta, 0.5, 0.0, true, true)),
                        "beyond delta the loss is delta (|d| - delta/2): without the - delta/2 the two pieces do not meet at |d| = delta");
                r.hint(near(got, huberVariant(pred, label, delta, 0.5, 0.5, false, true)),
                        "use |d| to choose the piece: a large negative error is also in the linear part");
                r.hint(near(got, huberVariant(pred, label, delta, 0.5, 0.5, true, false)),
                        "average over the batch (divide by its size), not the sum");
                r.hint(beyond > 0 && near(got, huberVariant(pred, label, Float.POSITIVE_INFINITY, 0.5, 0.5, true, true)),
                        "that is 1/2 d^2 everywhere (the squared error): beyond delta the loss grows linearly, delta (|d| - delta/2)");
            }
        }
        return r;
    }

    /** The library's target, through {@link Dqn#tdTarget} on NDArrays. */
    private static double[] reference(float[] rewards, boolean[] done, float[][] nextQ, float gamma) {
        int n = rewards.length, actions = nextQ[0].length;
        float[] d = new float[n];
        float[] q = new float[n * actions];
        for (int j = 0; j < n; j++) {
            d[j] = done[j] ? 1f : 0f;
            System.arraycopy(nextQ[j], 0, q, j * actions, actions);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray y = Dqn.tdTarget(m.create(rewards), m.create(d), m.create(q, new Shape(n, actions)), gamma);
            float[] f = y.toFloatArray();
            double[] out = new double[n];
            for (int j = 0; j < n; j++) {
                out[j] = f[j];
            }
            return out;
        }
    }

    private enum Bootstrap { MAX, MEAN, FIRST, MIN }

    private enum Mask { RIGHT, NONE, INVERTED, ZERO }

    /** A target with one typical mistake, to recognise it in a wrong answer. */
    private static double[] variant(float[] rewards, boolean[] done, float[][] nextQ, double gamma, Bootstrap how, Mask mask) {
        double[] y = new double[rewards.length];
        for (int j = 0; j < y.length; j++) {
            double v = nextQ[j][0];
            double sum = 0;
            for (float q : nextQ[j]) {
                sum += q;
                v = switch (how) {
                    case MAX -> Math.max(v, q);
                    case MIN -> Math.min(v, q);
                    default -> v;
                };
            }
            if (how == Bootstrap.MEAN) {
                v = sum / nextQ[j].length;
            }
            boolean bootstrap = switch (mask) {
                case RIGHT, ZERO -> !done[j];
                case NONE -> true;
                case INVERTED -> done[j];
            };
            y[j] = mask == Mask.ZERO && done[j] ? 0 : rewards[j] + (bootstrap ? gamma * v : 0);
        }
        return y;
    }

    /** The mean (or sum) Huber loss with the quadratic factor, the linear part's offset and the piece chosen by |d| or d. */
    private static double huberVariant(float[] pred, float[] label, double delta, double quadFactor, double offset,
                                       boolean byAbs, boolean mean) {
        double total = 0;
        for (int j = 0; j < pred.length; j++) {
            double d = (double) pred[j] - label[j];
            double a = Math.abs(d);
            boolean quadratic = byAbs ? a <= delta : d <= delta;
            total += quadratic ? quadFactor * d * d : delta * (a - offset * delta);
        }
        return mean ? total / pred.length : total;
    }

    private static boolean close(double[] a, double[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!near(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean near(double a, double b) {
        return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
    }

}
