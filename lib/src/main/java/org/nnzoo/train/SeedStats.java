package org.nnzoo.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The summary of one metric over several training runs (seeds): mean, sample standard deviation, the values. */
public final class SeedStats {

    private SeedStats() {
    }

    /** @return the mean of {@code values} (at least one) */
    public static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** @return the sample standard deviation (divisor {@code n - 1}; 0 for a single value) */
    public static double sd(double[] values) {
        double m = mean(values);
        return Math.sqrt(Arrays.stream(values).map(v -> (v - m) * (v - m)).sum() / Math.max(1, values.length - 1));
    }

    /** @return the values with three decimals, separated by spaces (e.g. one per seed) */
    public static String list(double[] values) {
        return Arrays.stream(values).mapToObj(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(" "));
    }
}
