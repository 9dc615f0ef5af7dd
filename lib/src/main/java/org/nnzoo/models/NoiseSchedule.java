package org.nnzoo.models;

/**
 * The variance schedule of a diffusion model ({@link Ddpm}): how much noise step {@code t} adds,
 * {@code beta_t}, and what follows from it,
 * <pre>
 * alpha_t = 1 - beta_t
 * abar_t  = prod_{s<=t} alpha_s         (the signal left after t steps: x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps)
 * SNR_t   = abar_t / (1 - abar_t)        (signal-to-noise ratio)
 * </pre>
 * Steps are indexed {@code 0 .. T-1} ({@code t = 0} is the papers' {@code t = 1}).
 *
 * <p>{@link #linear}: {@code beta_t} linear from 1e-4 to 0.02 for {@code T = 1000} (J. Ho, A. Jain, P. Abbeel,
 * "Denoising diffusion probabilistic models", NeurIPS 2020). {@link #cosine}: {@code abar_t} follows a squared
 * cosine, so the middle steps destroy information more slowly (A. Nichol, P. Dhariwal, "Improved denoising
 * diffusion probabilistic models", ICML 2021).
 */
public final class NoiseSchedule {

    private final double[] beta;
    private final double[] alpha;
    private final double[] alphaBar;

    private NoiseSchedule(double[] beta) {
        this.beta = beta;
        int steps = beta.length;
        alpha = new double[steps];
        alphaBar = new double[steps];
        double prod = 1;
        for (int t = 0; t < steps; t++) {
            alpha[t] = 1 - beta[t];   // alpha_t = 1 - beta_t
            prod *= alpha[t];
            alphaBar[t] = prod;       // abar_t = prod_{s<=t} alpha_s
        }
    }

    /**
     * Ho et al.'s linear schedule, {@code beta_t} from 1e-4 to 0.02 at {@code T = 1000}; for another {@code T} both
     * ends are scaled by {@code 1000/T} (the upper one capped at 0.999), so that {@code abar_T} stays about the same.
     */
    public static NoiseSchedule linear(int steps) {
        checkSteps(steps);
        double scale = 1000.0 / steps;
        double lo = 1e-4 * scale;
        double hi = Math.min(0.02 * scale, 0.999);
        double[] beta = new double[steps];
        for (int t = 0; t < steps; t++) {
            beta[t] = steps == 1 ? hi : lo + (hi - lo) * t / (steps - 1);
        }
        return new NoiseSchedule(beta);
    }

    /**
     * Nichol and Dhariwal's cosine schedule: {@code abar(t) = f(t)/f(0)}, {@code f(t) = cos^2(((t/T + s)/(1 + s)) pi/2)},
     * {@code s = 0.008}; {@code beta_t = 1 - abar(t+1)/abar(t)}, clipped at 0.999.
     */
    public static NoiseSchedule cosine(int steps) {
        checkSteps(steps);
        double s = 0.008;
        double[] beta = new double[steps];
        for (int t = 0; t < steps; t++) {
            double a0 = cosineAbar(t, steps, s);
            double a1 = cosineAbar(t + 1, steps, s);
            beta[t] = Math.min(1 - a1 / a0, 0.999);
        }
        return new NoiseSchedule(beta);
    }

    private static double cosineAbar(int t, int steps, double s) {
        double f = Math.cos(((t / (double) steps + s) / (1 + s)) * Math.PI / 2);
        double f0 = Math.cos((s / (1 + s)) * Math.PI / 2);
        return (f * f) / (f0 * f0);
    }

    private static void checkSteps(int steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException("steps (T) must be positive, got " + steps + "; the papers use T = 1000");
        }
    }

    /** @return {@code T} */
    public int steps() {
        return beta.length;
    }

    /** @return {@code beta_t} */
    public double beta(int t) {
        return beta[t];
    }

    /** @return {@code alpha_t = 1 - beta_t} */
    public double alpha(int t) {
        return alpha[t];
    }

    /** @return {@code abar_t = prod_{s<=t} alpha_s} */
    public double alphaBar(int t) {
        return alphaBar[t];
    }

    /** @return a copy of {@code beta_t}, t = 0..T-1 */
    public double[] betas() {
        return beta.clone();
    }

    /** @return a copy of {@code alpha_t}, t = 0..T-1 */
    public double[] alphas() {
        return alpha.clone();
    }

    /** @return a copy of {@code abar_t}, t = 0..T-1 */
    public double[] alphaBars() {
        return alphaBar.clone();
    }

    /** @return the signal-to-noise ratio {@code SNR_t = abar_t / (1 - abar_t)} of step {@code t} */
    public double snr(int t) {
        checkStep(t);
        return alphaBar[t] / (1 - alphaBar[t]);
    }

    /** @throws IllegalArgumentException if {@code t} is not a step, {@code 0..T-1} */
    public void checkStep(int t) {
        if (t < 0 || t >= beta.length) {
            throw new IllegalArgumentException("time step " + t + " is outside 0.." + (beta.length - 1) + " (T = " + beta.length + ")");
        }
    }
}
