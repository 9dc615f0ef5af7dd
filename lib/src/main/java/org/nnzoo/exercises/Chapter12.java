package org.nnzoo.exercises;

import java.util.Random;
import java.util.SplittableRandom;

import org.nnzoo.models.Ddpm;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 12 (diffusion): one step of the reverse process, checked against {@link Ddpm#ancestralStep}. */
public final class Chapter12 {

    private Chapter12() {
    }

    /**
     * Exercise 12.1: one ancestral (DDPM) step from {@code x_t} to {@code x_{t-1}}, given the predicted noise
     * {@code eps}, the step {@code t} (0-based: {@code t = 0} is the last step), the schedule's {@code beta} and
     * {@code alphaBar} (indexed 0..T-1) and the fresh noise {@code z}, as long as {@code x}.
     */
    @FunctionalInterface
    public interface AncestralStep {
        float[] apply(float[] x, float[] eps, int t, double[] beta, double[] alphaBar, float[] z);
    }

    /** The steps of the cases (cosine schedule, T = 1000): the noisiest, the middle, near the end, the last. */
    private static final int[] STEPS = {999, 500, 100, 1, 0};

    @Checks("12.1")
    public static Report ancestralStep(AncestralStep answer) {
        Report r = new Report("12.1");
        Ddpm ddpm = new Ddpm(1000, Ddpm.Schedule.COSINE);
        double[] beta = ddpm.betas();
        double[] alphaBar = ddpm.alphaBars();
        SplittableRandom rnd = new SplittableRandom(121);
        int size = 64;
        for (int t : STEPS) {
            float[] x0 = new float[size];
            float[] eps = new float[size];
            float[] predicted = new float[size];
            for (int j = 0; j < size; j++) {
                x0[j] = (float) rnd.nextDouble(-1, 1);
                eps[j] = (float) gaussian(rnd);
                predicted[j] = (float) (eps[j] + 0.3 * gaussian(rnd));    // an imperfect network
            }
            float[] x = new float[size];
            ddpm.qSample(x0, new int[] {t}, eps, x, size);
            long seed = 1200 + t;
            float[] z = new float[size];
            Random zs = new Random(seed);
            for (int j = 0; j < size; j++) {
                z[j] = (float) zs.nextGaussian();
            }
            float[] expected = ddpm.ancestralStep(x, predicted, t, new Random(seed));
            String what = String.format("t = %d (abar_t = %.4f), %d values", t, alphaBar[t], size);
            float[] got = answer.apply(x.clone(), predicted.clone(), t, beta.clone(), alphaBar.clone(), z.clone());
            if (!r.compare(what, got, expected, 1e-4) && got != null && got.length == size) {
                r.hint(Arrays3.close(got, variant(x, predicted, t, beta, alphaBar, z, false, false, false)),
                        "x_0 must be clipped: x0 = clip((x_t - sqrt(1 - abar_t) eps) / sqrt(abar_t), -1, 1), then the mean "
                                + "c0 x0 + ct x_t of q(x_{t-1} | x_t, x0); the unclipped mean overshoots where abar_t is small");
                r.hint(Arrays3.close(got, variant(x, predicted, t, beta, alphaBar, z, true, true, false)),
                        "sigma_t^2 is beta~_t = beta_t (1 - abar_{t-1}) / (1 - abar_t), not beta_t");
                r.hint(Arrays3.close(got, variant(x, predicted, t, beta, alphaBar, z, true, false, true)),
                        "the last step (t = 0) adds no noise: it returns the mean, the generated image");
            }
        }
        return r;
    }

    /** The step with one mistake: no clipping of x_0, sigma^2 = beta_t, or noise added at t = 0. */
    private static float[] variant(float[] x, float[] eps, int t, double[] beta, double[] alphaBar, float[] z,
            boolean clip, boolean sigmaBeta, boolean noiseAtZero) {
        double ab = alphaBar[t];
        double abPrev = t > 0 ? alphaBar[t - 1] : 1.0;
        double alpha = 1 - beta[t];
        double sigma = t == 0 ? 0 : sigmaBeta ? Math.sqrt(beta[t]) : Math.sqrt(beta[t] * (1 - abPrev) / (1 - ab));
        if (noiseAtZero && t == 0) {
            sigma = Math.sqrt(beta[t]);   // beta~_0 is 0: noise at t = 0 shows with sigma_0^2 = beta_0
        }
        float[] out = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            double mean;
            if (clip) {
                double x0 = Math.max(-1, Math.min(1, (x[j] - Math.sqrt(1 - ab) * eps[j]) / Math.sqrt(ab)));
                mean = Math.sqrt(abPrev) * beta[t] / (1 - ab) * x0 + Math.sqrt(alpha) * (1 - abPrev) / (1 - ab) * x[j];
            } else {
                mean = (x[j] - beta[t] / Math.sqrt(1 - ab) * eps[j]) / Math.sqrt(alpha);
            }
            out[j] = (float) (mean + sigma * z[j]);
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }
}
