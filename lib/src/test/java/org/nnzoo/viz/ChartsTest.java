package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.History;

class ChartsTest {

    private static boolean hasInk(BufferedImage img) {
        int rgb0 = img.getRGB(0, 0);
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                if (img.getRGB(x, y) != rgb0) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void longEquallySpacedSeriesGetAnOffGridHelperPointForRoundTicks() {
        double[] x = new double[Charts.ROUND_TICKS_ABOVE + 1];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i + 1) / 1000.0;
            y[i] = Math.sin(i);
        }
        var longChart = Charts.lines("t", "step (thousands)", "y", x, Map.of("loss", y));
        assertEquals(2, longChart.getSeriesMap().size());
        var helper = longChart.getSeriesMap().get(" ");
        assertTrue(!helper.isShowInLegend() && helper.getXData().length == 1);
        double hx = helper.getXData()[0];
        assertTrue(hx > x[0] && hx < x[1], "the helper point lies between two data points: " + hx);
        assertTrue(hasInk(Charts.toImage(longChart)));
        double[] fewX = java.util.Arrays.copyOf(x, Charts.ROUND_TICKS_ABOVE);
        var shortChart = Charts.lines("t", "epoch", "y", fewX, Map.of("loss", java.util.Arrays.copyOf(y, fewX.length)));
        assertEquals(1, shortChart.getSeriesMap().size(), "short series keep xchart's ticks on the data points");
    }

    @Test
    void rendersEveryChartKindToPng() {
        History h = new History();
        h.add(Map.of("train_loss", 1.0, "val_loss", 1.2, "train_acc", 0.5, "val_acc", 0.45));
        h.add(Map.of("train_loss", 0.5, "val_loss", 0.7, "train_acc", 0.8, "val_acc", 0.75));
        BufferedImage curves = Charts.curves(h.table());
        assertTrue(curves.getWidth() >= 1000, "two charts side by side");
        assertTrue(hasInk(curves));
        BufferedImage cm = Charts.toImage(Charts.confusion("cm", new int[][] {{5, 1}, {2, 7}}, new String[] {"a", "b"}));
        assertTrue(hasInk(cm));
        BufferedImage sc = Charts.toImage(Charts.addLine(Charts.scatter("s", new double[][] {{0, 0}, {1, 1}}, new int[] {0, 1},
                new String[] {"neg", "pos"}), "boundary", 0, 1, 1, 0));
        assertTrue(hasInk(sc));
        byte[] png = Show.png(sc);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        float[] pixels = new float[2 * 4];
        pixels[5] = 1f;
        BufferedImage grid = Charts.imageGrid(pixels, 2, 2, new int[] {0, 1}, new String[] {"0", "1"}, 2, 10);
        assertTrue(hasInk(grid));
        assertThrows(IllegalArgumentException.class, () -> Charts.imageGrid(pixels, 2, 2, new int[] {2}, null, 1, 1));
        BufferedImage regions = Charts.decisionRegions("r", p -> p[0] > 0 ? 1 : 0, new double[][] {{-1, 0}, {1, 1}}, new int[] {0, 1});
        // left half coloured as class 0, right half as class 1
        assertTrue(regions.getRGB(20, 200) != regions.getRGB(380, 200));
        BufferedImage w = Charts.signedMap(new double[] {1, -1, 0, 0.5}, 2, 2, 1);
        assertTrue((w.getRGB(0, 0) & 0xff) > ((w.getRGB(0, 0) >> 16) & 0xff), "positive is blue");
        assertTrue((w.getRGB(1, 0) & 0xff) < ((w.getRGB(1, 0) >> 16) & 0xff), "negative is red");
    }

    @Test
    void outsideKernelShowIsQuiet() {
        assertNull(Show.display("<b>x</b>"));
        assertThrows(IllegalArgumentException.class, () -> Show.show(42));
        History h = new History();
        h.add(Map.of("a", 1.0));
        assertTrue(Tables.toHtml(h.table()).contains("<td"));
    }

    @Test
    void matrixShadesByWeightAndGridStacksRows() {
        double[][] w = {{1, 0}, {0.5, 0.5}};
        BufferedImage m = Charts.matrix("attention", w, new String[] {"a", " "}, new String[] {"a", " "}, 10, true);
        // the cell of weight 1 is dark, the cell of weight 0 is white
        int left = m.getWidth() - 10 - 2 * 10;
        int dark = (m.getRGB(left + 5, 40 + 5) >> 16) & 0xFF; // red channel: 0x08 for the darkest blue
        int white = (m.getRGB(left + 15, 40 + 5) >> 16) & 0xFF;
        assertTrue(dark < 0x30 && white == 0xFF, "dark " + dark + ", white " + white);
        assertThrows(IllegalArgumentException.class, () -> Charts.matrix("x", w, new String[] {"a"}, new String[] {"a", "b"}, 10, true));
        BufferedImage g = Charts.grid(2, m, m, m);
        assertEquals(2 * m.getWidth(), g.getWidth());
        assertEquals(2 * m.getHeight(), g.getHeight());
    }
}
