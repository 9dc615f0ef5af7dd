package org.nnzoo.models.ndp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;

class LifetimeCurvesTest {

    @Test
    void meansSdsTableAndChartOfTheRecordedLifetimes() {
        LifetimeCurves c = new LifetimeCurves(new String[] {"on", "off"}, 2, 2, 3);
        c.put("on", 0, 0, new double[] {10, 20, 30});
        c.put("on", 0, 1, new double[] {30, 40, 50});
        c.put("on", 1, 0, new double[] {50, 60, 70});
        c.put("on", 1, 1, new double[] {70, 80, 90});
        for (int k = 0; k < 2; k++) {
            for (int l = 0; l < 2; l++) {
                c.put("off", k, l, new double[] {5, 5, 5});
            }
        }
        assertArrayEquals(new double[] {40, 50, 60}, c.mean("on"), 1e-12);
        double sd = Math.sqrt((30 * 30 + 10 * 10 + 10 * 10 + 30 * 30) / 3.0);
        assertArrayEquals(new double[] {sd, sd, sd}, c.sd("on"), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0}, c.sd("off"), 0);
        assertArrayEquals(new double[] {20, 40, 60, 80}, LifetimeCurves.meanOfEpisodes(c.rows("on"), 0, 2), 1e-12);
        assertArrayEquals(new double[] {25, 45, 65, 85}, LifetimeCurves.meanOfEpisodes(c.rows("on"), 1, 2), 1e-12);
        String table = c.perSeedTable(new long[] {7, 8}, 2);
        // seed 7, "on": episodes 20, 30, 40; mean of the first two episodes per lifetime (15, 35) is 25
        assertTrue(table.contains("<tr><td>7</td><td>on</td><td>20.0</td><td>30.0</td><td>40.0</td><td>25.0</td></tr>"), table);
        assertTrue(table.contains("<tr><td>8</td><td>off</td><td>5.0</td><td>5.0</td><td>5.0</td><td>5.0</td></tr>"), table);
        assertTrue(table.contains("<th>episodes 1-2</th>"), table);
        XYChart chart = c.chart("t", 100);
        assertEquals(2, chart.getSeriesMap().size());
        assertThrows(IllegalArgumentException.class, () -> c.put("on", 0, 0, new double[] {1}));
        assertThrows(IllegalArgumentException.class, () -> c.rows("sometimes"));
    }
}
