package org.nnzoo.rl;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.nnzoo.viz.Charts;
import org.nnzoo.viz.Show;
import org.nnzoo.viz.Tables;

/**
 * Live view of an RL run: in a notebook, one HTML block updated in place (a progress bar, steps/s,
 * episodes, the mean return of the last 100 episodes, the agent's status, and the episodic-return plot);
 * in a plain JVM, a printed line at every tenth of the run.
 */
public final class RlProgress {

    private static final long MIN_UPDATE_NANOS = 1_500_000_000L;

    private final String title;
    private final long totalSteps;
    private final EpisodeLog log;
    private final boolean notebook;
    private final long start = System.nanoTime();
    private String displayId;
    private long lastUpdate;
    private long nextPrint;

    RlProgress(String title, long totalSteps, EpisodeLog log) {
        this.title = title;
        this.totalSteps = totalSteps;
        this.log = log;
        this.notebook = Show.inNotebook();
        this.nextPrint = Math.max(1, totalSteps / 10);
        lastUpdate = System.nanoTime();
        if (notebook) {
            displayId = Show.html(render(0, "", false));
        }
    }

    void step(long t, Agent agent) {
        if (notebook) {
            if ((t & 127) == 0) {
                long now = System.nanoTime();
                if (now - lastUpdate >= MIN_UPDATE_NANOS) {
                    Show.update(displayId, render(t, agent.status(), true));
                    lastUpdate = System.nanoTime(); // rendering the plot takes time too
                }
            }
        } else if (t >= nextPrint) {
            System.out.println(line(t, agent.status()));
            nextPrint += Math.max(1, totalSteps / 10);
        }
    }

    void done(Agent agent) {
        if (notebook) {
            Show.update(displayId, render(totalSteps, agent.status(), true));
        }
    }

    private String line(long t, String status) {
        double secs = (System.nanoTime() - start) / 1e9;
        return RlLoop.fmt("%s step %d/%d, %d episodes, mean return (last 100) %.1f, %.0f steps/s%s", title, t, totalSteps,
                log.episodes(), log.meanOfLast(100), t / Math.max(secs, 1e-9), status.isEmpty() ? "" : ", " + status);
    }

    private String render(long t, String status, boolean plot) {
        double frac = t / (double) totalSteps;
        double secs = (System.nanoTime() - start) / 1e9;
        StringBuilder sb = new StringBuilder("<div style=\"font-family:monospace\"><b>").append(Tables.escape(title)).append("</b> ");
        sb.append(RlLoop.fmt("<div style=\"background:#eee;width:320px;height:10px;display:inline-block\">"
                + "<div style=\"background:#4E79A7;width:%dpx;height:10px\"></div></div> ", Math.round(320 * Math.min(1, frac))));
        sb.append(RlLoop.fmt("step %d/%d, %d episodes", t, totalSteps, log.episodes()));
        if (log.episodes() > 0) {
            sb.append(RlLoop.fmt(", mean return (last 100) %.1f", log.meanOfLast(100)));
        }
        if (t > 0) {
            sb.append(RlLoop.fmt(", %.0f steps/s", t / secs));
            sb.append(t < totalSteps ? RlLoop.fmt(", %.0f s left", secs / frac - secs) : RlLoop.fmt(", done in %.1f s", secs));
        }
        if (!status.isEmpty()) {
            sb.append(", ").append(Tables.escape(status));
        }
        sb.append("</div>");
        if (plot && log.episodes() > 1) {
            String png = Base64.getEncoder().encodeToString(Show.png(chart(log, title)));
            sb.append("<img src=\"data:image/png;base64,").append(png).append("\"/>");
        }
        return sb.toString();
    }

    /**
     * The episodic-return plot: each episode's return at the environment step where it ended, and the
     * mean of the last 100 episodes.
     */
    public static XYChart chart(EpisodeLog log, String title) {
        long[] ends = log.endSteps();
        double[] x = new double[ends.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = ends[i];
        }
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("episode return", log.returns());
        series.put("mean of last 100", log.movingAverage(100));
        XYChart c = Charts.lines(title, "environment step", "return", x, series);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(520.0);
        if (c.getSeriesMap().containsKey("episode return")) {
            c.getSeriesMap().get("episode return").setLineColor(new java.awt.Color(0xA0BCD8));
        }
        return c;
    }
}
