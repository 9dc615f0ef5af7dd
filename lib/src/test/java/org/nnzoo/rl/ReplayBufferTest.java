package org.nnzoo.rl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {

    private static void addNumbered(ReplayBuffer b, int i) {
        // transition i: s = (i, -i), action i % 2, reward i, s' = (i + 1, -i - 1), terminal when i % 5 == 4
        b.add(new double[] {i, -i}, i % 2, i, new double[] {i + 1, -i - 1}, i % 5 == 4);
    }

    @Test
    void ringBufferKeepsTheLastCapacityTransitions() {
        ReplayBuffer b = new ReplayBuffer(10, 2);
        for (int i = 0; i < 25; i++) {
            addNumbered(b, i);
        }
        assertEquals(10, b.size());
        assertEquals(25, b.added());
        ReplayBuffer.Batch batch = b.sample(2000, new SplittableRandom(1));
        int[] seen = new int[25];
        for (int k = 0; k < batch.size(); k++) {
            int i = (int) batch.rewards[k];
            seen[i]++;
            // every field of a sampled row belongs to the same transition
            assertEquals(i, batch.obs[2 * k], 0);
            assertEquals(-i, batch.obs[2 * k + 1], 0);
            assertEquals(i + 1, batch.nextObs[2 * k], 0);
            assertEquals(-i - 1, batch.nextObs[2 * k + 1], 0);
            assertEquals(i % 2, batch.actions[k]);
            assertEquals(i % 5 == 4 ? 1f : 0f, batch.terminated[k]);
        }
        for (int i = 0; i < 15; i++) {
            assertEquals(0, seen[i], "transition " + i + " was overwritten but still sampled");
        }
        for (int i = 15; i < 25; i++) {
            // uniform: about 200 each of 2000 (binomial sd ~13)
            assertTrue(seen[i] > 140 && seen[i] < 260, "transition " + i + " sampled " + seen[i] + " times");
        }
    }

    @Test
    void samplingIsSeeded() {
        ReplayBuffer b = new ReplayBuffer(100, 2);
        for (int i = 0; i < 50; i++) {
            addNumbered(b, i);
        }
        assertArrayEquals(b.sample(32, new SplittableRandom(9)).index, b.sample(32, new SplittableRandom(9)).index);
        ReplayBuffer.Batch x = b.sample(32, new SplittableRandom(9));
        for (int k = 0; k < 32; k++) {
            assertTrue(x.index[k] < 50, "sampled an empty slot " + x.index[k]);
        }
    }

    @Test
    void badUseIsExplained() {
        ReplayBuffer b = new ReplayBuffer(4, 2);
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> b.sample(1, new SplittableRandom(1)));
        assertTrue(empty.getMessage().contains("empty"));
        assertThrows(IllegalArgumentException.class, () -> b.add(new double[3], 0, 0, new double[2], false));
        assertThrows(IllegalArgumentException.class, () -> new ReplayBuffer(0, 2));
    }

    @Test
    void linearSchedule() {
        LinearSchedule s = new LinearSchedule(1.0, 0.05, 100);
        assertEquals(1.0, s.value(0), 1e-12);
        assertEquals(0.525, s.value(50), 1e-12);
        assertEquals(0.05, s.value(100), 1e-12);
        assertEquals(0.05, s.value(10_000), 1e-12);
        assertEquals(0.3, LinearSchedule.constant(0.3).value(7), 0);
    }
}
