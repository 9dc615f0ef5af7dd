package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;

/** The notebooks' small plotting helpers: {@link Samples} and {@link Steps}. */
class SamplesStepsTest {

    @Test
    void stepsAreOneBasedAndValuesConvert() {
        assertArrayEquals(new double[] {1, 2, 3}, Steps.axis(3));
        assertEquals(0, Steps.axis(0).length);
        assertArrayEquals(new double[] {4, 0, 2.5}, Steps.values(List.of(4, 0L, 2.5)));
        assertThrows(IllegalArgumentException.class, () -> Steps.axis(-1));
    }

    @Test
    void gridDrawsTheChosenImagesWithTheirCaptions() {
        byte[] px = new byte[12 * 4 * 4];
        px[3 * 16] = (byte) 255; // image 3 has one black pixel at its top left
        ImageSet set = new ImageSet("tiny", 4, 4, px, new int[12], new String[] {"a"});
        List<Integer> asked = new ArrayList<>();
        BufferedImage one = Samples.grid(set, new int[] {3}, i -> {
            asked.add(i);
            return "label " + set.label(i);
        });
        assertEquals(List.of(3), asked);
        BufferedImage expected = Charts.imageGrid(set.pixels(), set.shape(), new int[] {3}, new String[] {"label 3"},
                Samples.PER_ROW, Samples.SCALE);
        assertEquals(expected.getWidth(), one.getWidth());
        assertEquals(expected.getHeight(), one.getHeight());
        assertEquals(expected.getRGB(4, 4), one.getRGB(4, 4)); // the black pixel, magnified, after the 4-pixel margin
        assertEquals(0xFF000000, one.getRGB(4, 4));
        assertArrayEquals(new int[] {0, 1, 2}, Samples.first(3));
        assertEquals(2, Samples.grid(set, Samples.first(12), i -> "x").getHeight() / expected.getHeight());
    }
}
