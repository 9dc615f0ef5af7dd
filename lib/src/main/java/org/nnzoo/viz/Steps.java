package org.nnzoo.viz;

import java.util.List;

/** The x and y values of a per-step or per-epoch curve, for {@link Charts#lines}. */
public final class Steps {

    private Steps() {
    }

    /** @return {@code 1, 2, ..., n}: the x axis of a curve with one value per step or epoch */
    public static double[] axis(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i + 1;
        }
        return x;
    }

    /** @return the values as doubles (e.g. a {@code List<Integer>} of mistakes per epoch) */
    public static double[] values(List<? extends Number> values) {
        double[] y = new double[values.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = values.get(i).doubleValue();
        }
        return y;
    }
}
