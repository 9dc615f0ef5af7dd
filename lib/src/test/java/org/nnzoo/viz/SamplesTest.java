package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.nnzoo.models.SampleQuality;

class SamplesTest {

    private static float[] images(int n, float value) {
        float[] px = new float[n * 784];
        java.util.Arrays.fill(px, value);
        return px;
    }

    @Test
    void rowsTakeTheFirstImagesOfEachSetInOrder() {
        float[] a = images(3, 0.25f);
        float[] b = images(2, 0.75f);
        float[] r = Samples.rows(2, a, b);
        assertEquals(4 * 784, r.length);
        assertEquals(0.25f, r[2 * 784 - 1]);
        assertEquals(0.75f, r[2 * 784]);
        assertThrows(IllegalArgumentException.class, () -> Samples.rows(3, a, b));
    }

    @Test
    void gridDrawsEveryImage() {
        BufferedImage one = Samples.grid(images(4, 1f), 4, null);
        BufferedImage two = Samples.grid(images(8, 1f), 4, null);
        assertTrue(two.getHeight() > one.getHeight(), "8 images in rows of 4 need two rows");
        assertThrows(IllegalArgumentException.class, () -> Samples.grid(new float[100], 4, null));
    }

    @Test
    void tableHasOneRowPerSourceWithItsNumbers() {
        Map<String, SampleQuality.Report> reports = new LinkedHashMap<>();
        reports.put("real (train vs test)", new SampleQuality.Report(10, 1.234, 9.5, 0.1, 0.95, new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}));
        reports.put("GAN <w>", new SampleQuality.Report(10, 20.5, 3.25, 0.8, 0.6, new int[] {10, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        String html = Samples.qualityTable(10, reports);
        assertTrue(html.startsWith("<table><tr><th>images (10 each)</th>"), html);
        assertEquals(3, html.split("<tr>").length - 1, html);
        assertTrue(html.contains("<td>real (train vs test)</td><td>1.23</td><td>9.50</td><td>0.100</td><td>0.950</td>"), html);
        assertTrue(html.contains("GAN &lt;w&gt;") && html.contains("[10, 0, 0, 0, 0, 0, 0, 0, 0, 0]"), html);

        XYChart chart = Samples.classHistogram("classes", 10, reports);
        assertEquals(2, chart.getSeriesMap().size());
        assertArrayEquals(new double[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, chart.getSeriesMap().get("GAN <w>").getYData(), 0);
    }
}
