package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void accuracyConfusionMistakes() {
        int[] t = {0, 1, 2, 2, 1};
        int[] p = {0, 2, 2, 1, 1};
        assertEquals(0.6, Evaluation.accuracy(t, p), 1e-12);
        int[][] m = Evaluation.confusion(t, p, 3);
        assertArrayEquals(new int[] {1, 0, 0}, m[0]);
        assertArrayEquals(new int[] {0, 1, 1}, m[1]);
        assertArrayEquals(new int[] {0, 1, 1}, m[2]);
        assertArrayEquals(new int[] {1, 3}, Evaluation.mistakes(t, p, 10));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.accuracy(t, new int[2]));
        assertThrows(IllegalArgumentException.class, () -> Evaluation.confusion(t, p, 2));
    }

    @Test
    void historyBestValuesSkipMissingEpochs() {
        History h = new History();
        h.add(java.util.Map.of("val_acc", 0.5, "loss", 2.0));
        h.add(java.util.Map.of("loss", 1.0));
        h.add(java.util.Map.of("val_acc", 0.7, "loss", 1.5));
        assertEquals(0.7, h.max("val_acc"));
        assertEquals(1.0, h.min("loss"));
        assertEquals(1.5, h.last("loss"));
        assertTrue(Double.isNaN(h.values("val_acc")[1]));
        assertThrows(IllegalArgumentException.class, () -> h.max("nope"));
    }

    @Test
    void profileParsing() {
        assertEquals(Profile.DEFAULT, Profile.parse(null, "x"));
        assertEquals(Profile.SMOKE, Profile.parse(" Smoke ", "x"));
        assertEquals(Profile.FULL, Profile.parse("full", "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Profile.parse("fast", "NNZOO_PROFILE"));
        assertEquals("NNZOO_PROFILE is 'fast': use one of smoke, default, full", e.getMessage());
        assertEquals(3, Profile.FULL.choose(1, 2, 3));
    }
}
