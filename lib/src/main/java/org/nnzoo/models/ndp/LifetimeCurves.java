package org.nnzoo.models.ndp;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.nnzoo.rl.RlLoop;
import org.nnzoo.viz.Charts;

/**
 * The returns of many LNDP lifetimes under several conditions (plasticity on or off, with or without the
 * spontaneous phase): one row of episode returns per (evolution seed, lifetime), and what the chapter shows of
 * them: the mean and standard deviation per episode, a table per seed, a chart with error bars.
 */
public final class LifetimeCurves {

    private final String[] conditions;
    private final int seeds;
    private final int lifetimes;
    private final int episodes;
    private final Map<String, double[][]> rows = new LinkedHashMap<>();

    /**
     * @param conditions the conditions' names, in the order of the table and the chart
     * @param seeds      evolution seeds
     * @param lifetimes  lifetimes per seed
     * @param episodes   episodes per lifetime
     */
    public LifetimeCurves(String[] conditions, int seeds, int lifetimes, int episodes) {
        if (conditions.length == 0 || seeds < 1 || lifetimes < 1 || episodes < 1) {
            throw new IllegalArgumentException("need conditions and positive counts, got " + conditions.length + " conditions, "
                    + seeds + " seeds, " + lifetimes + " lifetimes, " + episodes + " episodes");
        }
        this.conditions = conditions.clone();
        this.seeds = seeds;
        this.lifetimes = lifetimes;
        this.episodes = episodes;
        for (String c : conditions) {
            rows.put(c, new double[seeds * lifetimes][]);
        }
    }

    /** Records the returns of one lifetime: seed index {@code k}, lifetime {@code l}. */
    public void put(String condition, int k, int l, double[] returns) {
        if (returns.length != episodes) {
            throw new IllegalArgumentException("a lifetime has " + episodes + " episodes, got " + returns.length + " returns");
        }
        rowsOf(condition)[k * lifetimes + l] = returns;
    }

    /** @return the returns of every lifetime of a condition, {@code [seed * lifetime][episode]} (not copied) */
    public double[][] rows(String condition) {
        return rowsOf(condition);
    }

    private double[][] rowsOf(String condition) {
        double[][] r = rows.get(condition);
        if (r == null) {
            throw new IllegalArgumentException("no condition " + condition + "; there are " + Arrays.toString(conditions));
        }
        return r;
    }

    /** @return the mean return of each episode over all lifetimes of a condition */
    public double[] mean(String condition) {
        double[] m = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            m[e] = RlLoop.mean(column(rowsOf(condition), e));
        }
        return m;
    }

    /** @return the standard deviation of each episode's return over all lifetimes of a condition */
    public double[] sd(String condition) {
        double[] sd = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            sd[e] = RlLoop.std(column(rowsOf(condition), e));
        }
        return sd;
    }

    private static double[] column(double[][] rows, int e) {
        return Arrays.stream(rows).mapToDouble(r -> r[e]).toArray();
    }

    /** @return each lifetime's mean return over episodes {@code from..to} (inclusive, 0-based) */
    public static double[] meanOfEpisodes(double[][] rows, int from, int to) {
        return Arrays.stream(rows).mapToDouble(r -> meanOf(r, from, to)).toArray();
    }

    private static double meanOf(double[] r, int from, int to) {
        double s = 0;
        for (int e = from; e <= to; e++) {
            s += r[e];
        }
        return s / (to - from + 1);
    }

    /**
     * @param seedValues the evolution seeds, for the first column
     * @param firstEpisodes the last column is the mean of the first this many episodes
     * @return an HTML table: per seed and condition, the mean return of each episode over that seed's lifetimes
     */
    public String perSeedTable(long[] seedValues, int firstEpisodes) {
        StringBuilder t = new StringBuilder("<table><tr><th>seed</th><th>condition</th>");
        for (int e = 1; e <= episodes; e++) {
            t.append("<th>episode ").append(e).append("</th>");
        }
        t.append("<th>episodes 1-").append(firstEpisodes).append("</th></tr>");
        for (int k = 0; k < seeds; k++) {
            for (String c : conditions) {
                double[][] r = Arrays.copyOfRange(rowsOf(c), k * lifetimes, (k + 1) * lifetimes);
                t.append("<tr><td>").append(seedValues[k]).append("</td><td>").append(c).append("</td>");
                for (int e = 0; e < episodes; e++) {
                    t.append(String.format(Locale.ROOT, "<td>%.1f</td>", Arrays.stream(column(r, e)).average().getAsDouble()));
                }
                t.append(String.format(Locale.ROOT, "<td>%.1f</td></tr>",
                        Arrays.stream(meanOfEpisodes(r, 0, firstEpisodes - 1)).average().getAsDouble()));
            }
        }
        return t.append("</table>").toString();
    }

    /** @return the mean return per episode of every condition, with one standard deviation as error bars */
    public XYChart chart(String title, double yMax) {
        XYChart chart = new XYChartBuilder().width(620).height(380).title(title)
                .xAxisTitle("episode of the lifetime").yAxisTitle("return").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(yMax);
        double[] x = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            x[e] = e + 1;
        }
        int col = 0;
        for (String c : conditions) {
            XYSeries s = chart.addSeries(c, x, mean(c), sd(c));
            s.setLineColor(Charts.PALETTE[col % Charts.PALETTE.length]);
            s.setMarkerColor(Charts.PALETTE[col % Charts.PALETTE.length]);
            col++;
        }
        return chart;
    }
}
