package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OneCycleTest {

    @Test
    void warmsUpLinearlyThenAnnealsAlongACosine() {
        OneCycle s = new OneCycle(0.1f, 101, 0.2, 10f, 1000f); // warm-up: updates 1..20 (t = 0..19), peak at t = 20
        assertEquals(0.01f, s.getNewValue(1), 1e-7);
        assertEquals(0.01f + 0.09f * 10 / 20, s.getNewValue(11), 1e-6);
        assertEquals(0.1f, s.getNewValue(21), 1e-7);
        // halfway through the annealing (t = 60 of 20..100) the cosine is at its middle
        assertEquals((0.1f + 1e-4f) / 2, s.getNewValue(61), 1e-6);
        assertEquals(1e-4f, s.getNewValue(101), 1e-9);
        assertEquals(1e-4f, s.getNewValue(500), 1e-9);
        for (int t = 1; t < 21; t++) {
            assertTrue(s.getNewValue(t + 1) > s.getNewValue(t), "warm-up rises at " + t);
        }
        for (int t = 21; t < 101; t++) {
            assertTrue(s.getNewValue(t + 1) < s.getNewValue(t), "annealing falls at " + t);
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OneCycle.of(0f, 10)).getMessage().contains("peak"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OneCycle.of(0.1f, 0)).getMessage().contains("totalUpdates"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new OneCycle(0.1f, 10, 1.0, 25f, 1e4f)).getMessage()
                .contains("warmupFraction"));
    }
}
