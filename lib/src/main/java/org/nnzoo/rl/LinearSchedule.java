package org.nnzoo.rl;

/**
 * A value that moves linearly from {@code start} to {@code end} over {@code steps} steps and then stays at
 * {@code end}: the epsilon of epsilon-greedy exploration in DQN (Mnih et al. 2015: 1.0 to 0.1 over the
 * first million frames).
 */
public record LinearSchedule(double start, double end, long steps) {

    public LinearSchedule {
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
    }

    /** A constant. */
    public static LinearSchedule constant(double v) {
        return new LinearSchedule(v, v, 0);
    }

    /** @return the value after {@code t} steps */
    public double value(long t) {
        if (steps == 0 || t >= steps) {
            return end;
        }
        return start + (end - start) * (t / (double) steps);
    }
}
