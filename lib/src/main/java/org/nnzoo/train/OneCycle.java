package org.nnzoo.train;

import ai.djl.training.tracker.Tracker;

/**
 * The one-cycle learning-rate schedule: a linear warm-up from {@code peak / startDivisor} to {@code peak}
 * over the first {@code warmupFraction} of the updates, then a cosine annealing down to
 * {@code peak / finalDivisor} at the last update:
 *
 * <pre>
 *   t &lt; w:  lr(t) = lr0 + (peak - lr0) t / w
 *   t &ge; w:  lr(t) = lrEnd + (peak - lrEnd) (1 + cos(pi (t - w) / (T - w))) / 2
 * </pre>
 *
 * The warm-up lets batch norm statistics and the momentum settle before the large steps; the long
 * annealing ends in a flat, well-generalising minimum. L. N. Smith, N. Topin, "Super-convergence: very fast
 * training of neural networks using large learning rates", 2019 (arXiv:1708.07120); cosine annealing:
 * I. Loshchilov, F. Hutter, "SGDR", ICLR 2017. Updates past {@code T} keep the final value.
 */
public final class OneCycle implements Tracker {

    private final float peak;
    private final int totalUpdates;
    private final int warmupUpdates;
    private final float start;
    private final float end;

    /**
     * @param peak           the largest learning rate, reached at the end of the warm-up
     * @param totalUpdates   {@code T}: optimizer updates of the whole run (epochs x batches per epoch)
     * @param warmupFraction fraction of {@code T} spent warming up, in [0, 1)
     * @param startDivisor   the first learning rate is {@code peak / startDivisor} (e.g. 25)
     * @param finalDivisor   the last one is {@code peak / finalDivisor} (e.g. 1e4)
     */
    public OneCycle(float peak, int totalUpdates, double warmupFraction, float startDivisor, float finalDivisor) {
        if (!(peak > 0) || Float.isInfinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be positive and finite, got " + peak);
        }
        if (totalUpdates < 1) {
            throw new IllegalArgumentException("totalUpdates must be at least 1 (epochs x batches per epoch), got "
                    + totalUpdates);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warmupFraction must be in [0, 1), got " + warmupFraction);
        }
        if (!(startDivisor >= 1) || !(finalDivisor >= 1)) {
            throw new IllegalArgumentException("startDivisor and finalDivisor must be at least 1, got "
                    + startDivisor + " and " + finalDivisor);
        }
        this.peak = peak;
        this.totalUpdates = totalUpdates;
        this.warmupUpdates = (int) Math.round(warmupFraction * totalUpdates);
        this.start = peak / startDivisor;
        this.end = peak / finalDivisor;
    }

    /** One-cycle with the usual constants: 30 % warm-up from peak/25, annealed to peak/10^4. */
    public static OneCycle of(float peak, int totalUpdates) {
        return new OneCycle(peak, totalUpdates, 0.3, 25f, 1e4f);
    }

    /** @param numUpdate the optimizer's update count (DJL counts from 1) */
    @Override
    public float getNewValue(int numUpdate) {
        int t = Math.max(0, numUpdate - 1);
        if (t < warmupUpdates) {
            return start + (peak - start) * t / warmupUpdates;
        }
        if (t >= totalUpdates - 1) {
            return end;
        }
        double phase = (t - warmupUpdates) / (double) (totalUpdates - 1 - warmupUpdates);
        return (float) (end + (peak - end) * (1 + Math.cos(Math.PI * phase)) / 2);
    }
}
