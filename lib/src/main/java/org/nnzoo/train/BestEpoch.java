package org.nnzoo.train;

import java.util.Map;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * {@link Fit#keepBest}: model selection by one metric of the history. After each epoch, if the metric improved, a copy
 * of every parameter is kept in native memory (only the latest copy is alive); after training, {@link #restore} puts
 * the best epoch's parameters back. Names ending in {@code loss} are minimised, others maximised; the first best epoch
 * wins ties. With no metric (the default) it does nothing.
 */
final class BestEpoch {

    private final String metric;
    private final Model model;
    private final NDManager parent;
    private final boolean validated;
    private NDManager snapshot;
    private double best = Double.NaN;

    /**
     * @param metric    the history column to select by, or null for no selection
     * @param parent    manager the snapshots are made under (closed with it at the latest)
     * @param validated whether the run has validation data (for the message when a {@code val_*} metric is missing)
     */
    BestEpoch(String metric, Model model, NDManager parent, boolean validated) {
        this.metric = metric;
        this.model = model;
        this.parent = parent;
        this.validated = validated;
    }

    /** Snapshots the parameters if {@code row} (the epoch just recorded) is the best so far. */
    void epochEnded(Map<String, Double> row) {
        if (metric == null) {
            return;
        }
        Double v = row.get(metric);
        if (v == null) {
            throw new IllegalArgumentException("keepBest(\"" + metric + "\"): no such metric; this run"
                    + " records " + row.keySet() + (validated ? "" : " (set validation(...) for val_*)"));
        }
        boolean lower = metric.endsWith("loss");
        if (Double.isNaN(best) || (lower ? v < best : v > best)) {
            best = v;
            if (snapshot != null) {
                snapshot.close();
            }
            snapshot = parent.newSubManager();
            for (var p : model.getBlock().getParameters()) {
                NDArray copy = p.getValue().getArray().duplicate();
                copy.attach(snapshot);
                copy.setName(p.getKey());
            }
        }
    }

    /** Puts the best epoch's parameters back (if a snapshot was taken) and frees the snapshot. */
    void restore() {
        if (snapshot == null) {
            return;
        }
        var params = model.getBlock().getParameters();
        for (NDArray saved : snapshot.getManagedArrays()) {
            saved.copyTo(params.get(saved.getName()).getArray());
        }
        snapshot.close();
        snapshot = null;
    }
}
