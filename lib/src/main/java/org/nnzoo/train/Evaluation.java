package org.nnzoo.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;

/** Predictions and classification metrics (accuracy, confusion matrix) for a trained model. */
public final class Evaluation {

    private Evaluation() {
    }

    /**
     * @return the predicted class (argmax of the first output) of every sample of {@code data}, in order;
     *         the dataset should not shuffle
     */
    public static int[] predictClasses(Model model, InMemoryDataset data) {
        int[] out = new int[data.size()];
        int k = 0;
        try (var threads = NativeTuning.evaluationThreads(model.getBlock()); // recurrent nets: 1 thread
                var manager = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(manager, false);
            for (Batch batch : data.batches(manager, 0)) {
                try (batch) {
                    NDList pred = model.getBlock().forward(ps, batch.getData(), false);
                    NDArray cls = pred.head().argMax(1).toType(DataType.INT32, false);
                    for (int c : cls.toIntArray()) {
                        out[k++] = c;
                    }
                }
            }
        }
        if (k != out.length) {
            throw new IllegalStateException("predicted " + k + " of " + out.length + " samples");
        }
        return out;
    }

    /**
     * @return the mean of {@code loss} over every batch of {@code data} (weighted by batch size), in
     *         inference mode; e.g. the held-out cross-entropy of a language model in nats per token
     */
    public static double meanLoss(Model model, BatchSource data, ai.djl.training.loss.Loss loss) {
        double sum = 0;
        long seen = 0;
        try (var threads = NativeTuning.evaluationThreads(model.getBlock()); // recurrent nets: 1 thread
                var manager = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(manager, false);
            for (Batch batch : data.batches(manager, 0)) {
                try (batch) {
                    NDList pred = model.getBlock().forward(ps, batch.getData(), false);
                    sum += loss.evaluate(batch.getLabels(), pred).getFloat() * batch.getSize();
                    seen += batch.getSize();
                }
            }
        }
        if (seen == 0) {
            throw new IllegalArgumentException("data has no batches");
        }
        return sum / seen;
    }

    /** @return the number of trainable values in an initialised block */
    public static long parameterCount(ai.djl.nn.Block block) {
        long n = 0;
        for (var p : block.getParameters().values()) {
            if (p.isInitialized()) {
                n += p.getArray().size();
            }
        }
        return n;
    }

    /** @return fraction of positions where {@code predicted} equals {@code truth} */
    public static double accuracy(int[] truth, int[] predicted) {
        checkLengths(truth, predicted);
        int ok = 0;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == predicted[i]) {
                ok++;
            }
        }
        return truth.length == 0 ? Double.NaN : ok / (double) truth.length;
    }

    /** @return {@code m[true][predicted]} counts over {@code classes} classes */
    public static int[][] confusion(int[] truth, int[] predicted, int classes) {
        checkLengths(truth, predicted);
        int[][] m = new int[classes][classes];
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] < 0 || truth[i] >= classes || predicted[i] < 0 || predicted[i] >= classes) {
                throw new IllegalArgumentException("class index out of range [0," + classes + ") at position " + i
                        + ": true " + truth[i] + ", predicted " + predicted[i]);
            }
            m[truth[i]][predicted[i]]++;
        }
        return m;
    }

    /** @return indices where the prediction is wrong, in order, at most {@code limit} */
    public static int[] mistakes(int[] truth, int[] predicted, int limit) {
        checkLengths(truth, predicted);
        return java.util.stream.IntStream.range(0, truth.length).filter(i -> truth[i] != predicted[i]).limit(limit).toArray();
    }

    private static void checkLengths(int[] a, int[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("truth has " + a.length + " entries but predictions have " + b.length);
        }
    }
}
