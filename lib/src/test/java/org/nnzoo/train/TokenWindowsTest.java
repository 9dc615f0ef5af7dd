package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

class TokenWindowsTest {

    private static final int[] TOKENS = java.util.stream.IntStream.range(0, 103).toArray();

    @Test
    void labelsAreInputsShiftedByOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (Batch b : TokenWindows.random(TOKENS, 4, 10, 3, 7).batches(m, 0)) {
                try (b) {
                    float[] x = b.getData().head().toFloatArray();
                    float[] y = b.getLabels().head().toFloatArray();
                    for (int i = 0; i < x.length; i++) {
                        assertEquals(x[i] + 1, y[i], 0f);
                    }
                }
            }
        }
    }

    @Test
    void consecutiveCoversTheTextOnceAndRandomIsSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            TokenWindows eval = TokenWindows.consecutive(TOKENS, 4, 10, 100);
            List<Float> seen = new ArrayList<>();
            int batches = 0;
            for (Batch b : eval.batches(m, 0)) {
                try (b) {
                    for (float v : b.getData().head().toFloatArray()) {
                        seen.add(v);
                    }
                    batches++;
                }
            }
            assertEquals(3, batches); // 10 windows of 10 in batches of 4
            assertEquals(100, seen.size());
            assertEquals(100L, eval.tokensPerEpoch());
            for (int i = 0; i < 100; i++) {
                assertEquals(i, seen.get(i), 0f);
            }
            float[] a = first(TokenWindows.random(TOKENS, 4, 10, 2, 5), m, 1);
            float[] b = first(TokenWindows.random(TOKENS, 4, 10, 2, 5), m, 1);
            assertArrayEquals(a, b, 0f);
        }
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.random(new int[5], 2, 10, 1, 0));
    }

    private static float[] first(TokenWindows w, NDManager m, int epoch) {
        for (Batch b : w.batches(m, epoch)) {
            try (b) {
                return b.getData().head().toFloatArray();
            }
        }
        throw new AssertionError("no batch");
    }
}
