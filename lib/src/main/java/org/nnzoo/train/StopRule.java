package org.nnzoo.train;

/** Decides after each epoch whether training should stop early. */
@FunctionalInterface
public interface StopRule {

    /** @return true to stop after the epoch just recorded in {@code history} */
    boolean shouldStop(History history);

    /**
     * Stops when {@code metric} has not improved for {@code patience} epochs.
     *
     * @param maximize true for metrics where larger is better (accuracy), false for losses
     */
    static StopRule patience(String metric, int patience, boolean maximize) {
        if (patience < 1) {
            throw new IllegalArgumentException("patience must be at least 1, got " + patience);
        }
        return h -> {
            double[] v = h.values(metric);
            int bestAt = 0;
            for (int i = 1; i < v.length; i++) {
                if (maximize ? v[i] > v[bestAt] : v[i] < v[bestAt]) {
                    bestAt = i;
                }
            }
            return v.length - 1 - bestAt >= patience;
        };
    }
}
