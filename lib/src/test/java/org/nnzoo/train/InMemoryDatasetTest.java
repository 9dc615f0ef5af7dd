package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;

class InMemoryDatasetTest {

    @Test
    void batchesCoverEverySampleOncePerEpoch() {
        int n = 103;
        float[] x = new float[n * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = -i;
            y[i] = i % 3;
        }
        InMemoryDataset ds = InMemoryDataset.classification(x, new Shape(2), y, 10, true, 5);
        assertEquals(11, ds.batchCount());
        try (NDManager m = NDManager.newBaseManager()) {
            List<Integer> seen = new ArrayList<>();
            for (Batch b : ds.getData(m)) {
                try (b) {
                    float[] xb = b.getData().head().toFloatArray();
                    float[] yb = b.getLabels().head().toFloatArray();
                    assertEquals(new Shape(b.getSize(), 2), b.getData().head().getShape());
                    for (int i = 0; i < b.getSize(); i++) {
                        int id = (int) xb[2 * i];
                        assertEquals(-id, xb[2 * i + 1], 0f);
                        assertEquals(id % 3, yb[i], 0f);
                        seen.add(id);
                    }
                }
            }
            assertEquals(n, seen.size());
            assertEquals(n, seen.stream().distinct().count());
        }
    }

    @Test
    void shuffleIsSeededAndChangesPerEpoch() {
        InMemoryDataset a = InMemoryDataset.classification(new float[50], new Shape(1), new int[50], 8, true, 9);
        InMemoryDataset b = InMemoryDataset.classification(new float[50], new Shape(1), new int[50], 8, true, 9);
        assertArrayEquals(a.order(0), b.order(0));
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        InMemoryDataset fixed = InMemoryDataset.classification(new float[50], new Shape(1), new int[50], 8, false, 9);
        assertEquals(7, fixed.order(3)[7]);
    }

    @Test
    void colourImageSetsGiveChannelsFirstBatches() {
        org.nnzoo.data.ImageSet rgb = new org.nnzoo.data.ImageSet("rgb", new org.nnzoo.data.ImageShape(3, 4, 5),
                new byte[2 * 60], new int[] {0, 1}, new String[] {"a", "b"});
        InMemoryDataset d = InMemoryDataset.of(rgb, 2, false, 0);
        assertEquals(new Shape(2, 3, 4, 5), d.inputShapes()[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Batch b : d.batches(m, 0)) {
                try (b) {
                    assertEquals(new Shape(2, 3, 4, 5), b.getData().head().getShape());
                }
            }
        }
    }

    @Test
    void clearErrorsOnShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InMemoryDataset.classification(new float[10], new Shape(3), new int[3], 4, false, 0));
        assertTrue(e.getMessage().contains("not a multiple"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> InMemoryDataset.classification(new float[9], new Shape(3), new int[4], 4, false, 0));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> InMemoryDataset.classification(new float[9], new Shape(3), new int[3], 0, false, 0));
    }
}
