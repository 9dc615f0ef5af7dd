package org.nnzoo.exercises;

import java.util.SplittableRandom;

import org.nnzoo.models.word2vec.Word2Vec;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 8 (Word2Vec): the negative-sampling update, checked against {@link Word2Vec#negativeStep}. */
public final class Chapter08 {

    private Chapter08() {
    }

    /**
     * Exercise 8.1: one skip-gram negative-sampling SGD step for the hidden vector {@code h}, with the exact
     * sigmoid. {@code u[0]} is the output vector of the true word (label 1), {@code u[1..]} those of the noise
     * words (label 0). Update every {@code u[t]} in place and return {@code neu1e = -alpha dL/dh} (the caller
     * adds it to the input vector).
     */
    @FunctionalInterface
    public interface SgnsStep {
        float[] apply(float[] h, float[][] u, float alpha);
    }

    /** The cases of 8.1: dimension, targets (true word + noise words), learning rate. */
    private static final Object[][] CASES = {
        {4, 2, 1f}, {8, 3, 0.5f}, {16, 6, 0.025f}, {100, 6, 0.025f}, {5, 4, 2f},
    };

    /** The mistakes the hints recognise, as variants of the right step. */
    private enum Variant { RIGHT, SIGN_FLIPPED, ALL_LABELS_ONE, NO_ALPHA, U_BEFORE_NEU1E, LAST_TARGET_ONLY }

    @Checks("8.1")
    public static Report sgnsStep(SgnsStep answer) {
        Report r = new Report("8.1");
        SplittableRandom rnd = new SplittableRandom(81);
        for (Object[] cs : CASES) {
            int dim = (Integer) cs[0], n = (Integer) cs[1];
            float alpha = (Float) cs[2];
            double scale = Math.pow(20.25 / dim, 0.25);  // dot products u_t·h of about ±1.5: the sigmoid not saturated
            float[] h = random(rnd, dim, scale);
            float[][] u = new float[n][];
            for (int t = 0; t < n; t++) {
                u[t] = random(rnd, dim, scale);
            }
            float[] syn1 = flatten(u);
            int[] targets = new int[n];
            for (int t = 0; t < n; t++) {
                targets[t] = t;
            }
            float[] neu1e = new float[dim];
            Word2Vec.negativeStep(h.clone(), 0, syn1, dim, targets, n, alpha, neu1e, true);
            String what = String.format("d = %d, 1 true word + %d noise words, alpha = %s", dim, n - 1, alpha);
            float[][] uGot = Arrays3.copy(u);
            float[] got = answer.apply(h.clone(), uGot, alpha);
            if (got == null) {
                r.fail(what + ": your code returned null");
                continue;
            }
            boolean neuOk = close(got, neu1e);
            boolean uOk = close(flatten(uGot), syn1);
            if (neuOk && uOk) {
                r.pass(what + ": neu1e and every u_t as Word2Vec.negativeStep");
                continue;
            }
            if (!neuOk) {
                r.compare(what + ": the returned neu1e", got, neu1e, TOLERANCE);
            } else {
                r.compare(what + ": the output vectors u after the step (u[0], u[1], ... one after another)",
                        flatten(uGot), syn1, TOLERANCE);
            }
            hints(r, h, u, alpha, got, flatten(uGot), neuOk);
        }
        return r;
    }

    private static final double TOLERANCE = 1e-5;

    private static void hints(Report r, float[] h, float[][] u, float alpha, float[] neu1e, float[] uAfter, boolean neuOk) {
        if (neuOk && close(uAfter, flatten(u))) {
            r.hint(true, "neu1e is right but the u[t] did not change: update them in place, u[t][i] += g * h[i]");
            return;
        }
        for (Variant v : Variant.values()) {
            if (v == Variant.RIGHT || (v == Variant.NO_ALPHA && alpha == 1f)) {
                continue;
            }
            float[][] uv = Arrays3.copy(u);
            float[] nv = step(h, uv, alpha, v);
            if (close(neu1e, nv) && close(uAfter, flatten(uv))) {
                r.hint(true, switch (v) {
                    case SIGN_FLIPPED -> "the step has the wrong sign: g = alpha (y_t - s(u_t·h)), label minus"
                            + " prediction, is minus the gradient";
                    case ALL_LABELS_ONE -> "the noise words have label 0: only u[0] (the true word) has y = 1";
                    case NO_ALPHA -> "the learning rate is missing: g = alpha (y_t - s(u_t·h))";
                    case U_BEFORE_NEU1E -> "you updated u_t before adding it to neu1e: neu1e needs the old u_t"
                            + " (read u[t][i] once, then neu1e[i] += g * old and u[t][i] = old + g * h[i])";
                    case LAST_TARGET_ONLY -> "neu1e holds only the last target's share: it sums g u_t over all targets"
                            + " (the true word and every noise word)";
                    default -> "";
                });
                return;
            }
        }
        r.hint(!neuOk, "neu1e = sum over t of g_t u_t (the old u_t), with g_t = alpha (y_t - s(u_t·h)),"
                + " s(x) = 1 / (1 + e^-x), y_0 = 1 and y_t = 0 for the noise words");
    }

    /** The step with one of the recognised mistakes (the check's own, for the hints only). */
    private static float[] step(float[] h, float[][] u, float alpha, Variant v) {
        float[] neu1e = new float[h.length];
        for (int t = 0; t < u.length; t++) {
            double f = 0;
            for (int i = 0; i < h.length; i++) {
                f += u[t][i] * h[i];
            }
            double label = t == 0 || v == Variant.ALL_LABELS_ONE ? 1 : 0;
            double sig = 1 / (1 + Math.exp(-f));
            double g = (v == Variant.SIGN_FLIPPED ? sig - label : label - sig) * (v == Variant.NO_ALPHA ? 1 : alpha);
            if (v == Variant.LAST_TARGET_ONLY) {
                java.util.Arrays.fill(neu1e, 0f);
            }
            for (int i = 0; i < h.length; i++) {
                float old = u[t][i];
                u[t][i] = (float) (old + g * h[i]);
                neu1e[i] += (float) (g * (v == Variant.U_BEFORE_NEU1E ? u[t][i] : old));
            }
        }
        return neu1e;
    }

    private static boolean close(float[] a, float[] b) {
        if (a == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (!(Math.abs(a[i] - b[i]) <= TOLERANCE * Math.max(1, Math.abs(b[i])))) {
                return false;
            }
        }
        return true;
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-scale, scale);
        }
        return a;
    }

    private static float[] flatten(float[][] rows) {
        int n = 0;
        for (float[] row : rows) {
            n += row == null ? 0 : row.length;
        }
        float[] out = new float[n];
        int k = 0;
        for (float[] row : rows) {
            if (row != null) {
                System.arraycopy(row, 0, out, k, row.length);
                k += row.length;
            }
        }
        return out;
    }

}
