package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Image shapes (sizes, counts, divisibility errors) and colour image sets. */
class ImageShapeTest {

    @Test
    void sizesCountsAndNames() {
        assertEquals(784, ImageShape.MNIST.size());
        assertEquals("1x28x28", ImageShape.MNIST.toString());
        ImageShape rgb = new ImageShape(3, 32, 32);
        assertEquals(3072, rgb.size());
        assertArrayEquals(new long[] {5, 3, 32, 32}, rgb.batch(5));
        assertEquals(2, rgb.count(new float[2 * 3072], "pixels"));
        var e = assertThrows(IllegalArgumentException.class, () -> rgb.count(new float[3073], "pixels"));
        assertTrue(e.getMessage().contains("pixels has 3073 values") && e.getMessage().contains("3x32x32"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> rgb.count(null, "pixels"));
        assertThrows(IllegalArgumentException.class, () -> rgb.count(new float[0], "pixels"));
        assertThrows(IllegalArgumentException.class, () -> new ImageShape(0, 28, 28));
        assertThrows(IllegalArgumentException.class, () -> new ImageShape(1, -1, 28));
    }

    @Test
    void divisibilityErrorNamesTheModelTheReasonAndAFix() {
        assertEquals(ImageShape.MNIST, ImageShape.MNIST.requireMultipleOf(4, "UNet", "two halvings"));
        var e = assertThrows(IllegalArgumentException.class, () -> new ImageShape(3, 30, 32).requireMultipleOf(4, "UNet", "two halvings"));
        assertTrue(e.getMessage().contains("UNet") && e.getMessage().contains("multiples of 4") && e.getMessage().contains("two halvings")
                && e.getMessage().contains("3x30x32") && e.getMessage().contains("3x32x32"), e.getMessage());
    }

    @Test
    void colourImageSetKeepsItsChannelsThroughSubsets() {
        ImageShape shape = new ImageShape(3, 2, 2);
        byte[] px = new byte[3 * 12];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) i;
        }
        ImageSet set = new ImageSet("rgb", shape, px, new int[] {0, 1, 0}, new String[] {"a", "b"});
        assertEquals(shape, set.shape());
        assertEquals(3, set.channels());
        assertEquals(2, set.rows());
        assertEquals(2, set.cols());
        assertEquals(12, set.image(1).length);
        assertEquals(12 / 255f, set.image(1)[0], 0f);
        ImageSet two = set.subset(new int[] {2, 0});
        assertEquals(shape, two.shape());
        assertEquals(24 / 255f, two.image(0)[0], 0f);
        assertEquals(shape, set.range(1, 3).shape());
        assertEquals(12 / 255f, set.range(1, 3).image(0)[0], 0f);
        assertEquals(24, set.limit(2).rawPixels().length);
        assertEquals("ImageSet[rgb, 3 x 3x2x2, 2 classes]", set.toString());
        assertEquals(ImageShape.MNIST, new ImageSet("grey", 28, 28, new byte[784], new int[] {0}, new String[] {"a"}).shape());
        var e = assertThrows(DataException.class, () -> new ImageSet("bad", shape, new byte[13], new int[] {0}, new String[] {"a"}));
        assertTrue(e.getMessage().contains("3x2x2"), e.getMessage());
    }
}
