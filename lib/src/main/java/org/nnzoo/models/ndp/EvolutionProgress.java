package org.nnzoo.models.ndp;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.nnzoo.viz.Charts;
import org.nnzoo.viz.Show;
import org.nnzoo.viz.Tables;

/**
 * Live view of an evolution: in a notebook one HTML block updated in place (a progress bar, the best and
 * mean fitness of the last generation, environment steps, time left, and the fitness curves); in a plain JVM
 * a printed line at every tenth of the run.
 */
final class EvolutionProgress {

    private static final long MIN_UPDATE_NANOS = 1_500_000_000L;

    private final String title;
    private final int generations;
    private final boolean notebook;
    private final long start = System.nanoTime();
    private String displayId;
    private long lastUpdate;
    private String last = "";
    private double[] best = new double[0];
    private double[] mean = new double[0];

    EvolutionProgress(String title, int generations) {
        this.title = title;
        this.generations = generations;
        notebook = Show.inNotebook();
        if (notebook) {
            displayId = Show.html(render(false));
        }
    }

    void generation(int g, double[] best, double[] mean, long steps, double validated) {
        this.best = best;
        this.mean = mean;
        double secs = (System.nanoTime() - start) / 1e9;
        last = String.format(Locale.ROOT, "generation %d/%d: best %.1f, mean %.1f, best validated %s, %,d environment steps, %.1f s",
                g + 1, generations, best[g], mean[g], Double.isFinite(validated) ? String.format(Locale.ROOT, "%.1f", validated) : "-",
                steps, secs);
        if (notebook) {
            long now = System.nanoTime();
            if (now - lastUpdate >= MIN_UPDATE_NANOS) {
                Show.update(displayId, render(true));
                lastUpdate = System.nanoTime();
            }
        } else if ((g + 1) % Math.max(1, generations / 10) == 0 || g == 0) {
            System.out.println(title + " " + last);
        }
    }

    void done() {
        if (notebook) {
            Show.update(displayId, render(true));
        } else {
            System.out.println(title + " done: " + last);
        }
    }

    private String render(boolean plot) {
        double frac = best.length / (double) generations;
        StringBuilder sb = new StringBuilder("<div style=\"font-family:monospace\"><b>").append(Tables.escape(title)).append("</b> ");
        sb.append(String.format(Locale.ROOT, "<div style=\"background:#eee;width:320px;height:10px;display:inline-block\">"
                + "<div style=\"background:#4E79A7;width:%dpx;height:10px\"></div></div> ", Math.round(320 * Math.min(1, frac))));
        sb.append(Tables.escape(last)).append("</div>");
        if (plot && best.length > 1) {
            sb.append("<img src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(Show.png(chart(best, mean, title)))).append("\"/>");
        }
        return sb.toString();
    }

    /** The fitness curves: best and mean fitness of every generation. */
    static XYChart chart(double[] best, double[] mean, String title) {
        double[] x = new double[best.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("best of generation", best);
        series.put("mean of generation", mean);
        XYChart c = Charts.lines(title, "generation", "fitness (mean return)", x, series);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return c;
    }
}
