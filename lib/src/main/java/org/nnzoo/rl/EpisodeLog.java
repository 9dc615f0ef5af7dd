package org.nnzoo.rl;

import java.util.Arrays;

/** What {@link RlLoop#train} records: per finished episode its return, length, the step at which it ended and the time. */
public final class EpisodeLog {

    private double[] returns = new double[64];
    private int[] lengths = new int[64];
    private long[] endSteps = new long[64];
    private double[] endSeconds = new double[64];
    private int n;
    private long totalSteps;
    private double seconds;

    void add(double ret, int len, long endStep, double secs) {
        if (n == returns.length) {
            returns = Arrays.copyOf(returns, 2 * n);
            lengths = Arrays.copyOf(lengths, 2 * n);
            endSteps = Arrays.copyOf(endSteps, 2 * n);
            endSeconds = Arrays.copyOf(endSeconds, 2 * n);
        }
        returns[n] = ret;
        lengths[n] = len;
        endSteps[n] = endStep;
        endSeconds[n] = secs;
        n++;
    }

    void finish(long steps, double secs) {
        totalSteps = steps;
        seconds = secs;
    }

    /** @return number of finished episodes */
    public int episodes() {
        return n;
    }

    /** @return the return of each finished episode */
    public double[] returns() {
        return Arrays.copyOf(returns, n);
    }

    /** @return the length of each finished episode */
    public int[] lengths() {
        return Arrays.copyOf(lengths, n);
    }

    /** @return the environment step (1-based, over the whole run) at which each episode ended */
    public long[] endSteps() {
        return Arrays.copyOf(endSteps, n);
    }

    /** @return environment steps of the run */
    public long totalSteps() {
        return totalSteps;
    }

    /** @return wall-clock seconds of the run */
    public double seconds() {
        return seconds;
    }

    /** @return environment steps per second over the run */
    public double stepsPerSecond() {
        return seconds > 0 ? totalSteps / seconds : Double.NaN;
    }

    /** @return the mean return of the last {@code k} finished episodes (fewer if fewer finished), NaN if none */
    public double meanOfLast(int k) {
        if (n == 0) {
            return Double.NaN;
        }
        int from = Math.max(0, n - k);
        double s = 0;
        for (int i = from; i < n; i++) {
            s += returns[i];
        }
        return s / (n - from);
    }

    /** @return for each episode, the mean return of the {@code k} episodes ending with it */
    public double[] movingAverage(int k) {
        double[] out = new double[n];
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += returns[i];
            if (i >= k) {
                s -= returns[i - k];
            }
            out[i] = s / Math.min(i + 1, k);
        }
        return out;
    }
}
