package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@link SeedStats}: mean, sample standard deviation, the list of values. */
class SeedStatsTest {

    @Test
    void meanAndSampleStandardDeviation() {
        double[] v = {0.80, 0.82, 0.78};
        assertEquals(0.80, SeedStats.mean(v), 1e-12);
        assertEquals(0.02, SeedStats.sd(v), 1e-12);       // sqrt((0 + 0.0004 + 0.0004) / 2)
        assertEquals(0.0, SeedStats.sd(new double[] {0.5}));
        assertEquals("0.800 0.820 0.780", SeedStats.list(v));
    }
}
