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
import org.nnzoo.data.ImageSet;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;

class RandomShiftsTest {

    @Test
    void shiftMovesPixelsAndFillsTheBorderWithZero() {
        float[] img = {
            1, 2, 3, 4,
            5, 6, 7, 8,
            9, 10, 11, 12};
        float[] out = new float[12];
        RandomShifts.shift(img, 0, 3, 4, 1, -1, out, 0); // one column right, one row up
        assertArrayEquals(new float[] {
            0, 5, 6, 7,
            0, 9, 10, 11,
            0, 0, 0, 0}, out);
        RandomShifts.shift(img, 0, 3, 4, -2, 1, out, 0);
        assertArrayEquals(new float[] {
            0, 0, 0, 0,
            3, 4, 0, 0,
            7, 8, 0, 0}, out);
        RandomShifts.shift(img, 0, 3, 4, 0, 0, out, 0);
        assertArrayEquals(img, out);
    }

    private static ImageSet images(int n) {
        byte[] px = new byte[n * 36];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int p = 0; p < 36; p++) {
                px[i * 36 + p] = (byte) ((i * 7 + p * 13) % 256);
            }
        }
        return new ImageSet("test", 6, 6, px, labels, new String[] {"a", "b", "c"});
    }

    private static List<float[]> epoch(BatchSource s, int e, boolean labels) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (Batch b : s.batches(m, e)) {
                try (b) {
                    out.add((labels ? b.getLabels() : b.getData()).head().toFloatArray());
                }
            }
        }
        return out;
    }

    @Test
    void deterministicPerEpochAndLabelsFollowTheirImages() {
        ImageSet set = images(10);
        RandomShifts a = new RandomShifts(set, 2, 4, 3);
        RandomShifts b = new RandomShifts(set, 2, 4, 3);
        assertEquals(3, a.batchCount());
        List<float[]> e0 = epoch(a, 0, false);
        for (int i = 0; i < e0.size(); i++) {
            assertArrayEquals(e0.get(i), epoch(b, 0, false).get(i), "same seed, same epoch, same batch " + i);
        }
        assertFalse(Arrays.equals(e0.get(0), epoch(a, 1, false).get(0)), "another epoch, other shifts and order");
        // maxShift 0: exactly the unaugmented shuffled batches of InMemoryDataset with the same seed
        RandomShifts none = new RandomShifts(set, 0, 4, 3);
        InMemoryDataset plain = InMemoryDataset.of(set, 4, true, 3);
        for (int e = 0; e < 2; e++) {
            List<float[]> x0 = epoch(none, e, false);
            List<float[]> x1 = epoch(plain, e, false);
            List<float[]> y0 = epoch(none, e, true);
            List<float[]> y1 = epoch(plain, e, true);
            for (int i = 0; i < x0.size(); i++) {
                assertArrayEquals(x1.get(i), x0.get(i));
                assertArrayEquals(y1.get(i), y0.get(i));
            }
        }
        // with shifts, labels are still those of the shuffled order
        assertArrayEquals(epoch(plain, 1, true).get(2), epoch(a, 1, true).get(2));
    }

    @Test
    void everyChannelOfAColourImageGetsTheSameShift() {
        ImageSet grey = images(10);
        byte[] g = grey.rawPixels();
        byte[] rgb = new byte[3 * g.length];
        for (int i = 0; i < 10; i++) { // three copies of the grey image as its channels
            for (int c = 0; c < 3; c++) {
                System.arraycopy(g, i * 36, rgb, i * 108 + c * 36, 36);
            }
        }
        ImageSet colour = new ImageSet("rgb", new org.nnzoo.data.ImageShape(3, 6, 6), rgb, grey.labels(), grey.classNames());
        List<float[]> x1 = epoch(new RandomShifts(grey, 2, 4, 3), 1, false);
        List<float[]> x3 = epoch(new RandomShifts(colour, 2, 4, 3), 1, false);
        for (int b = 0; b < x1.size(); b++) {
            assertEquals(3 * x1.get(b).length, x3.get(b).length);
            for (int i = 0; i < x1.get(b).length / 36; i++) {
                float[] shifted = Arrays.copyOfRange(x1.get(b), i * 36, (i + 1) * 36);
                for (int c = 0; c < 3; c++) {
                    assertArrayEquals(shifted, Arrays.copyOfRange(x3.get(b), i * 108 + c * 36, i * 108 + (c + 1) * 36),
                            "batch " + b + ", image " + i + ", channel " + c);
                }
            }
        }
    }

    @Test
    void badShiftIsNamed() {
        ImageSet set = images(4);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomShifts(set, 6, 2, 0)).getMessage()
                .contains("maxShift"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RandomShifts(set, -1, 2, 0)).getMessage()
                .contains("maxShift"));
    }
}
