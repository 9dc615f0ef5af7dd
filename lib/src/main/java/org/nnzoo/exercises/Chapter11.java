package org.nnzoo.exercises;

import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.nnzoo.models.Gan;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 11 (GANs): the two players' losses, checked against {@link Gan#discriminatorLoss} and {@link Gan#generatorLoss}. */
public final class Chapter11 {

    private Chapter11() {
    }

    /**
     * Exercise 11.1: from the discriminator's logits on a batch of real images and on a batch of generated ones,
     * return {@code {L_D, L_G}}: the discriminator's loss and the generator's non-saturating loss (on the same
     * generated batch).
     */
    @FunctionalInterface
    public interface GanLosses {
        double[] apply(float[] realLogits, float[] fakeLogits);
    }

    /** The cases of 11.1: batch size, largest |logit|, shift of the real logits (D confident), shift of the fake ones. */
    private static final double[][] CASES = {{8, 2, 0, 0}, {64, 3, 1, -1}, {16, 1, 0, 0}, {32, 4, -40, 40}};

    @Checks("11.1")
    public static Report losses(GanLosses answer) {
        Report r = new Report("11.1");
        SplittableRandom rnd = new SplittableRandom(111);
        for (double[] cs : CASES) {
            int n = (int) cs[0];
            float[] real = logits(rnd, n, cs[1], cs[2]);
            float[] fake = logits(rnd, n, cs[1], cs[3]);
            String what = String.format("batch %d, %s", n, Math.abs(cs[2]) > 10
                    ? "D fooled with confidence (real logits near -40, generated near +40)"
                    : "logits up to " + (int) (cs[1] + Math.abs(cs[2])) + " in magnitude");
            double expectedD;
            double expectedG;
            try (NDManager m = NDManager.newBaseManager()) {
                expectedD = Gan.discriminatorLoss(m.create(real, new Shape(n, 1)), m.create(fake, new Shape(n, 1))).getFloat();
                expectedG = Gan.generatorLoss(m.create(fake, new Shape(n, 1))).getFloat();
            }
            double[] got = answer.apply(real.clone(), fake.clone());
            if (got == null || got.length != 2) {
                r.fail(what + ": return {L_D, L_G}, two numbers, got " + (got == null ? "null" : got.length + " numbers"));
                continue;
            }
            boolean finite = Double.isFinite(got[0]) && Double.isFinite(got[1]);
            if (!r.compare(what + ", L_D", new double[] {got[0]}, new double[] {expectedD}, 1e-4)) {
                r.hint(close(got[0], swappedLabels(real, fake)),
                        "the labels are swapped: D wants D(x) = 1 on real images and D(G(z)) = 0 on generated ones, "
                                + "L_D = -mean log D(x) - mean log(1 - D(G(z)))");
                r.hint(close(got[0], expectedD / 2),
                        "L_D is the sum of the two means (one over the real batch, one over the generated), not their average");
            }
            if (!r.compare(what + ", L_G", new double[] {got[1]}, new double[] {expectedG}, 1e-4)) {
                r.hint(close(got[1], saturating(fake)),
                        "that is the saturating loss log(1 - D(G(z))) of the minimax game: its gradient vanishes while D "
                                + "rejects the fakes; the non-saturating loss is -mean log D(G(z))");
                r.hint(close(got[1], -saturating(fake)),
                        "that is D's loss on the fakes, -log(1 - D(G(z))): G wants its fakes called real, L_G = -mean log D(G(z))");
            }
            r.hint(!finite && Math.abs(cs[2]) > 10,
                    "log(sigmoid(a)) overflows for large |a|: use log D = -softplus(-a) and log(1 - D) = -softplus(a), "
                            + "softplus(u) = max(u, 0) + log(1 + exp(-|u|))");
        }
        return r;
    }

    private static float[] logits(SplittableRandom rnd, int n, double scale, double shift) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (shift + rnd.nextDouble(-scale, scale));
        }
        return a;
    }

    private static double softplus(double u) {
        return Math.max(u, 0) + Math.log1p(Math.exp(-Math.abs(u)));
    }

    /** {@code -mean log(1 - D(x)) - mean log D(G(z))}: L_D with the labels swapped, in the stable form. */
    private static double swappedLabels(float[] real, float[] fake) {
        double s = 0;
        for (float a : real) {
            s += softplus(a);
        }
        double t = 0;
        for (float a : fake) {
            t += softplus(-a);
        }
        return s / real.length + t / fake.length;
    }

    /** {@code mean log(1 - D(G(z)))}: the generator's term of the minimax game. */
    private static double saturating(float[] fake) {
        double s = 0;
        for (float a : fake) {
            s -= softplus(a);
        }
        return s / fake.length;
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
    }
}
