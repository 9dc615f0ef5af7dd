package org.nnzoo.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Per-epoch metrics of one training run ({@code train_loss}, {@code val_acc}, {@code seconds}, ...),
 * viewable as a tablesaw {@link Table}.
 */
public final class History {

    private final List<Map<String, Double>> rows = new ArrayList<>();
    private final List<String> columns = new ArrayList<>();

    /** Adds the metrics of the next epoch (numbered from 1). */
    public void add(Map<String, Double> metrics) {
        for (String k : metrics.keySet()) {
            if (!columns.contains(k)) {
                columns.add(k);
            }
        }
        rows.add(new LinkedHashMap<>(metrics));
    }

    /** @return number of epochs recorded */
    public int epochs() {
        return rows.size();
    }

    /** @return the metric names in first-seen order */
    public List<String> columns() {
        return List.copyOf(columns);
    }

    /** @return the values of one metric, one per epoch (NaN where an epoch lacked it) */
    public double[] values(String metric) {
        requireColumn(metric);
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = rows.get(i).getOrDefault(metric, Double.NaN);
        }
        return v;
    }

    /** @return the metric's value in the last epoch */
    public double last(String metric) {
        double[] v = values(metric);
        if (v.length == 0) {
            throw new IllegalStateException("no epoch recorded yet");
        }
        return v[v.length - 1];
    }

    /** @return the largest value the metric reached (e.g. best validation accuracy) */
    public double max(String metric) {
        return java.util.Arrays.stream(values(metric)).filter(d -> !Double.isNaN(d)).max().orElse(Double.NEGATIVE_INFINITY);
    }

    /** @return the smallest value the metric reached (e.g. best validation loss) */
    public double min(String metric) {
        return java.util.Arrays.stream(values(metric)).filter(d -> !Double.isNaN(d)).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** @return the 0-based epoch where the metric first reached its largest value (-1 if none) */
    public int argMax(String metric) {
        double[] v = values(metric);
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i]) && (best < 0 || v[i] > v[best])) {
                best = i;
            }
        }
        return best;
    }

    /** @return the 0-based epoch where the metric first reached its smallest value (-1 if none) */
    public int argMin(String metric) {
        double[] v = values(metric);
        int best = -1;
        for (int i = 0; i < v.length; i++) {
            if (!Double.isNaN(v[i]) && (best < 0 || v[i] < v[best])) {
                best = i;
            }
        }
        return best;
    }

    /** @return the history as a table with an {@code epoch} column first */
    public Table table() {
        Table t = Table.create("training history");
        int[] epoch = new int[rows.size()];
        for (int i = 0; i < epoch.length; i++) {
            epoch[i] = i + 1;
        }
        t.addColumns(IntColumn.create("epoch", epoch));
        for (String c : columns) {
            t.addColumns(DoubleColumn.create(c, values(c)));
        }
        return t;
    }

    private void requireColumn(String metric) {
        if (!columns.contains(metric)) {
            throw new IllegalArgumentException("no metric '" + metric + "' in this history; it has " + columns);
        }
    }

    @Override
    public String toString() {
        return table().print();
    }
}
