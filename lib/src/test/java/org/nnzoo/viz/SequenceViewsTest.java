package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.nnzoo.train.History;

/** The shared views of the sequence chapters: bits per character, the samples table, the log-scale chart. */
class SequenceViewsTest {

    @Test
    void bpcCurvesAreTheLossesInBits() {
        History h = new History();
        h.add(Map.of("train_loss", Math.log(2) * 3, "val_loss", Math.log(2) * 4));
        h.add(Map.of("train_loss", Math.log(2) * 2, "val_loss", Math.log(2) * 2.5));
        XYChart c = SequenceViews.bpcCurves("t", h, 50);
        assertEquals("epoch (50 steps)", c.getXAxisTitle());
        assertArrayEquals(new double[] {3, 2}, c.getSeriesMap().get("train").getYData(), 1e-12);
        assertArrayEquals(new double[] {4, 2.5}, c.getSeriesMap().get("validation").getYData(), 1e-12);
        assertArrayEquals(new double[] {1, 2}, c.getSeriesMap().get("train").getXData(), 0);
    }

    @Test
    void samplesTableEscapesAndNamesTheSettings() {
        String html = SequenceViews.samplesTable("A<b ", SequenceViews.SAMPLING, new String[] {"x&y", "two", "three"});
        assertTrue(html.startsWith("<table><tr><th>temperature</th>"), html);
        assertTrue(html.contains("<tr><td>0.5</td><td>all</td>"), html);
        assertTrue(html.contains("<tr><td>1.0</td><td>5</td>"), html);
        assertTrue(html.contains("<b>A&lt;b </b>x&amp;y</td>"), html);
        assertThrows(IllegalArgumentException.class, () -> SequenceViews.samplesTable("p", SequenceViews.SAMPLING, new String[1]));
    }

    @Test
    void gradientChartIsLogarithmic() {
        Map<String, double[]> s = new LinkedHashMap<>();
        s.put("a", new double[] {0.01, 0.1, 1});
        XYChart c = SequenceViews.gradientThroughTime("g", s);
        assertTrue(c.getStyler().isYAxisLogarithmic());
        assertArrayEquals(new double[] {1, 2, 3}, c.getSeriesMap().get("a").getXData(), 0);
    }
}
