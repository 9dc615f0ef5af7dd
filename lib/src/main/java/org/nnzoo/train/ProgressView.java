package org.nnzoo.train;

import java.util.Locale;
import java.util.Map;

import org.nnzoo.viz.Show;
import org.nnzoo.viz.Tables;

/**
 * Live training progress: in a notebook, one HTML block (a bar for the current epoch with loss, accuracy,
 * throughput and time left, and the table of finished epochs) that is updated in place, so the saved
 * notebook keeps only its final state; in a plain JVM, one printed line per epoch.
 */
public final class ProgressView {

    private static final long MIN_UPDATE_NANOS = 400_000_000L;

    private final String title;
    private final int epochs;
    private final int batchesPerEpoch;
    private final History history;
    private final boolean notebook;
    private String displayId;
    private long lastUpdate;
    private final long start = System.nanoTime();

    /**
     * @param title           what is trained, shown as heading
     * @param epochs          number of epochs planned
     * @param batchesPerEpoch batches in one epoch
     * @param history         the history the loop fills (shown as table)
     */
    public ProgressView(String title, int epochs, int batchesPerEpoch, History history) {
        this.title = title;
        this.epochs = epochs;
        this.batchesPerEpoch = batchesPerEpoch;
        this.history = history;
        this.notebook = Show.inNotebook();
        // Build the history table once now, before the first step: its first use initialises tablesaw's classes,
        // and if a notebook's Interrupt arrived during that (at the end of the first epoch) the class
        // initialisation failed with ExceptionInInitializerError, leaving tablesaw unusable in that kernel
        Tables.toHtml(history.table());
        if (notebook) {
            displayId = Show.html(render(0, 0, Double.NaN, Double.NaN, 0));
        }
    }

    /** Called after each batch; cheap, rate-limited. */
    public void batch(int epoch, int batch, double loss, double acc, double samplesPerSec) {
        long now = System.nanoTime();
        if (now - lastUpdate < MIN_UPDATE_NANOS) {
            return;
        }
        lastUpdate = now;
        if (notebook) {
            Show.update(displayId, render(epoch, batch, loss, acc, samplesPerSec));
        }
    }

    /** Called after each epoch with the row just added to the history. */
    public void epoch(int epoch, Map<String, Double> row) {
        lastUpdate = System.nanoTime();
        if (notebook) {
            Show.update(displayId, render(epoch + 1, 0, Double.NaN, Double.NaN, 0));
        } else {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s epoch %d/%d", title, epoch + 1, epochs));
            row.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %s=%.4f", k, v)));
            System.out.println(sb);
        }
    }

    private String render(int epoch, int batch, double loss, double acc, double rate) {
        int doneBatches = Math.min(epoch, epochs) * batchesPerEpoch + batch;
        double frac = epochs * (double) batchesPerEpoch == 0 ? 1 : doneBatches / (epochs * (double) batchesPerEpoch);
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = frac > 0 ? elapsed / frac - elapsed : Double.NaN;
        StringBuilder sb = new StringBuilder("<div style=\"font-family:monospace\">");
        sb.append("<b>").append(Tables.escape(title)).append("</b> ");
        sb.append(String.format(Locale.ROOT,
                "<div style=\"background:#eee;width:320px;height:10px;display:inline-block\"><div style=\"background:#4E79A7;width:%dpx;height:10px\"></div></div> ",
                Math.round(320 * Math.min(1, frac))));
        if (epoch < epochs) {
            sb.append(String.format(Locale.ROOT, "epoch %d/%d, batch %d/%d", epoch + 1, epochs, batch, batchesPerEpoch));
            if (!Double.isNaN(loss)) {
                sb.append(String.format(Locale.ROOT, ", loss %.4f", loss));
            }
            if (!Double.isNaN(acc)) {
                sb.append(String.format(Locale.ROOT, ", acc %.4f", acc));
            }
            if (rate > 0) {
                sb.append(String.format(Locale.ROOT, ", %.0f samples/s", rate));
            }
            if (!Double.isNaN(eta)) {
                sb.append(String.format(Locale.ROOT, ", %.0f s left", eta));
            }
        } else {
            sb.append(String.format(Locale.ROOT, "done: %d epochs in %.1f s", epochs, elapsed));
        }
        sb.append("</div>");
        if (history.epochs() > 0) {
            sb.append(Tables.toHtml(history.table()));
        }
        return sb.toString();
    }
}
