package org.nnzoo.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.RandomUtils;

/**
 * The generic supervised training loop every notebook uses: epochs of mini-batch gradient descent on a
 * DJL {@link Model}, with a loss, an optimizer, optional accuracy, validation after each epoch, an early
 * stop rule, a live progress view and a {@link History}.
 *
 * <p>Memory: each batch's arrays (inputs, activations, loss) live in the batch's own sub-manager, closed
 * after the step, so native memory stays flat over any number of steps. Determinism: {@link #seed} seeds
 * DJL's engine (parameter initialisation, dropout) and the shuffling; same seed, same numbers on CPU.
 * Speed: {@code NNZOO_FIT_PHASES=1} (or {@code -Dnnzoo.fit.phases=true}) prints, after each epoch, the wall-clock
 * time per batch of each phase of the step (next batch, forward, loss, backward, optimizer step, ...).
 *
 * <pre>{@code
 * History h = Fit.of(model, train).validation(test)
 *         .loss(Loss.softmaxCrossEntropyLoss()).optimizer(Optimizer.adam().build())
 *         .epochs(10).accuracy(true).run();
 * }</pre>
 */
public final class Fit {

    private final Model model;
    private final BatchSource train;
    private BatchSource validation;
    private Loss loss = Loss.softmaxCrossEntropyLoss();
    private Optimizer optimizer;
    private Initializer initializer;
    private int epochs = 1;
    private int seed = 42;
    private boolean accuracy;
    private String title = "training";
    private StopRule stopRule;
    private BiConsumer<Integer, History> onEpoch;
    private boolean initialize = true;
    private String keepBest;

    private Fit(Model model, BatchSource train) {
        if (model == null || model.getBlock() == null) {
            throw new IllegalArgumentException("model must have a block: call model.setBlock(...) first");
        }
        this.model = model;
        this.train = train;
    }

    /** Starts configuring a run of {@code model} on {@code train}. */
    public static Fit of(Model model, BatchSource train) {
        return new Fit(model, train);
    }

    /** Data evaluated after each epoch ({@code val_loss}, {@code val_acc}). */
    public Fit validation(BatchSource data) {
        this.validation = data;
        return this;
    }

    /** The loss to minimise; default softmax cross-entropy on class indices. */
    public Fit loss(Loss l) {
        this.loss = l;
        return this;
    }

    /** The optimizer; default SGD with learning rate 0.1. */
    public Fit optimizer(Optimizer o) {
        this.optimizer = o;
        return this;
    }

    /** Parameter initializer for weights (DJL's block defaults otherwise). */
    public Fit initializer(Initializer i) {
        this.initializer = i;
        return this;
    }

    /** Number of passes over the training data. */
    public Fit epochs(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("epochs must be at least 1, got " + n);
        }
        this.epochs = n;
        return this;
    }

    /** Seed for DJL's engine (initialisation, dropout); the datasets carry their own shuffle seed. */
    public Fit seed(int s) {
        this.seed = s;
        return this;
    }

    /** Also report classification accuracy (argmax of the first output against the class label). */
    public Fit accuracy(boolean on) {
        this.accuracy = on;
        return this;
    }

    /** Heading of the progress view. */
    public Fit title(String t) {
        this.title = t;
        return this;
    }

    /** Stops early when the rule says so after an epoch. */
    public Fit stopWhen(StopRule rule) {
        this.stopRule = rule;
        return this;
    }

    /** Called after each epoch with the epoch index (0-based) and the history so far. */
    public Fit onEpoch(BiConsumer<Integer, History> callback) {
        this.onEpoch = callback;
        return this;
    }

    /**
     * Model selection: after training, put back the parameters of the epoch with the best value of
     * {@code metric} (a column of the history, e.g. {@code "val_acc"}; names ending in {@code loss} are
     * minimised, others maximised; the first best epoch wins ties). A snapshot of the parameters is kept
     * in native memory whenever the metric improves; only the latest one is alive.
     */
    public Fit keepBest(String metric) {
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("keepBest needs a metric name such as \"val_acc\"");
        }
        this.keepBest = metric;
        return this;
    }

    /**
     * Keep the model's current parameters instead of initialising them (to continue training a model
     * that already has parameters).
     */
    public Fit continueTraining() {
        this.initialize = false;
        return this;
    }

    /** Runs the training and returns its history. */
    public History run() {
        if (initialize) {
            Engine.getInstance().setRandomSeed(seed);
            RandomUtils.RANDOM.setSeed(seed);
        }
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(optimizer != null ? optimizer : Optimizer.sgd()
                        .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.1f)).build())
                .optDevices(new Device[] {Device.cpu()});
        if (initializer != null) {
            config.optInitializer(initializer, ai.djl.nn.Parameter.Type.WEIGHT);
        }
        History history = new History();
        try (Trainer trainer = model.newTrainer(config)) {
            if (initialize) {
                trainer.initialize(train.inputShapes());
            }
            ProgressView view = new ProgressView(title, epochs, train.batchCount(), history);
            NDManager root = trainer.getManager();
            Optimizer opt = config.getOptimizer();
            Map<String, ?> used = parametersInUse(trainer); // null: DJL changed, use Trainer.step() throughout
            java.util.List<Parameter> trained = null; // what Trainer.step() would update, once known
            int usedCount = -1;
            NDManager snapshot = null;
            double best = Double.NaN;
            PhaseTimes phases = PhaseTimes.fromSettings();
            for (int epoch = 0; epoch < epochs; epoch++) {
                long t0 = System.nanoTime();
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                int b = 0;
                phases.start();
                for (Batch batch : train.batches(root, epoch)) {
                    phases.mark(0);
                    try (batch) {
                        if (Thread.currentThread().isInterrupted()) { // the notebook's "interrupt" button
                            throw new java.util.concurrent.CancellationException("training interrupted in epoch "
                                    + (epoch + 1) + " at batch " + (b + 1) + "; the model keeps its current weights");
                        }
                        NDList x = batch.getData();
                        NDList y = batch.getLabels();
                        NDList pred;
                        NDArray l;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            pred = trainer.forward(x, y);
                            phases.mark(1);
                            l = trainer.getLoss().evaluate(y, pred);
                            phases.mark(2);
                            gc.backward(l);
                        }
                        phases.mark(3);
                        if (trained == null || used.size() != usedCount) {
                            // the first step (which also checks that every parameter got a gradient), any step in
                            // which the forward pass used a parameter for the first time, and any DJL we cannot read
                            trainer.step();
                            if (used != null) {
                                usedCount = used.size();
                                trained = trainable(model, used);
                            }
                        } else {
                            update(opt, trained);
                        }
                        phases.mark(4);
                        int n = batch.getSize();
                        lossSum += l.getFloat() * n;
                        phases.mark(5);
                        if (accuracy) {
                            correct += countCorrect(pred, y);
                        }
                        phases.mark(6);
                        seen += n;
                        b++;
                        double secs = (System.nanoTime() - t0) / 1e9;
                        view.batch(epoch, b, lossSum / seen, accuracy ? correct / (double) seen : Double.NaN, seen / secs);
                    }
                    phases.mark(7);
                    phases.batchDone();
                }
                if (phases.on()) {
                    System.out.println(phases.report(title, epoch));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                Map<String, Double> row = new LinkedHashMap<>();
                row.put("train_loss", lossSum / seen);
                if (accuracy) {
                    row.put("train_acc", correct / (double) seen);
                }
                if (validation != null) {
                    double[] v = evaluate(trainer, validation);
                    row.put("val_loss", v[0]);
                    if (accuracy) {
                        row.put("val_acc", v[1]);
                    }
                }
                row.put("seconds", seconds);
                row.put("samples_per_s", seen / seconds);
                history.add(row);
                if (keepBest != null) {
                    Double v = row.get(keepBest);
                    if (v == null) {
                        throw new IllegalArgumentException("keepBest(\"" + keepBest + "\"): no such metric; this run"
                                + " records " + row.keySet() + (validation == null ? " (set validation(...) for val_*)" : ""));
                    }
                    boolean lower = keepBest.endsWith("loss");
                    if (Double.isNaN(best) || (lower ? v < best : v > best)) {
                        best = v;
                        if (snapshot != null) {
                            snapshot.close();
                        }
                        snapshot = root.newSubManager();
                        for (var p : model.getBlock().getParameters()) {
                            NDArray copy = p.getValue().getArray().duplicate();
                            copy.attach(snapshot);
                            copy.setName(p.getKey());
                        }
                    }
                }
                view.epoch(epoch, row);
                if (onEpoch != null) {
                    onEpoch.accept(epoch, history);
                }
                if (stopRule != null && stopRule.shouldStop(history)) {
                    break;
                }
            }
            if (snapshot != null) { // restore the best epoch's parameters
                var params = model.getBlock().getParameters();
                for (NDArray saved : snapshot.getManagedArrays()) {
                    saved.copyTo(params.get(saved.getName()).getArray());
                }
                snapshot.close();
            }
        }
        return history;
    }

    /**
     * @return the trainer's parameter store's map (parameter id to data) of the parameters the forward pass has
     *     used, which are the ones {@code Trainer.step()} updates; null if this DJL version keeps it elsewhere
     */
    @SuppressWarnings("unchecked")
    private static Map<String, ?> parametersInUse(Trainer trainer) {
        try {
            java.lang.reflect.Field storeField = Trainer.class.getDeclaredField("parameterStore");
            storeField.setAccessible(true);
            Object store = storeField.get(trainer);
            java.lang.reflect.Field mapField = ai.djl.training.ParameterStore.class.getDeclaredField("parameterMap");
            mapField.setAccessible(true);
            return (Map<String, ?>) mapField.get(store);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** @return the parameters that {@code Trainer.step()} would update: used so far and requiring a gradient */
    private static java.util.List<Parameter> trainable(Model model, Map<String, ?> used) {
        Map<String, Parameter> byId = new java.util.HashMap<>();
        for (var p : model.getBlock().getParameters()) {
            byId.put(p.getValue().getId(), p.getValue());
        }
        java.util.List<Parameter> out = new java.util.ArrayList<>();
        for (String id : used.keySet()) {
            Parameter p = byId.get(id);
            if (p == null) {
                return null;
            }
            if (p.requiresGradient()) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * One optimizer step, as {@code Trainer.step()} does it on one device but without its per-parameter copy of
     * every gradient (DJL's {@code LocalParameterServer} duplicates each gradient to reduce it across devices, which
     * on one CPU only costs time): the same {@code Optimizer.update} on the same arrays, so the same numbers.
     */
    private static void update(Optimizer opt, java.util.List<Parameter> params) {
        for (Parameter p : params) {
            NDArray w = p.getArray();
            try (NDArray g = w.getGradient()) {
                opt.update(p.getId(), w, g);
            }
        }
    }

    /** @return {mean loss, accuracy} of the trainer's model on {@code data}, in inference mode */
    private double[] evaluate(Trainer trainer, BatchSource data) {
        double lossSum = 0;
        long correct = 0;
        long seen = 0;
        for (Batch batch : data.batches(trainer.getManager(), 0)) {
            try (batch) {
                NDList pred = trainer.evaluate(batch.getData());
                lossSum += trainer.getLoss().evaluate(batch.getLabels(), pred).getFloat() * batch.getSize();
                if (accuracy) {
                    correct += countCorrect(pred, batch.getLabels());
                }
                seen += batch.getSize();
            }
        }
        return new double[] {lossSum / seen, correct / (double) seen};
    }

    static long countCorrect(NDList pred, NDList labels) {
        // two reads instead of five more native ops (eq, sum, ...) per batch: argmax and labels come back as longs
        long[] p = pred.head().argMax(1).toType(DataType.INT64, false).toLongArray();
        long[] t = labels.head().toType(DataType.INT64, false).toLongArray();
        if (p.length != t.length) {
            throw new IllegalArgumentException("accuracy: " + p.length + " predictions (argmax over axis 1 of "
                    + pred.head().getShape() + ") but " + t.length + " labels " + labels.head().getShape());
        }
        long correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == t[i]) {
                correct++;
            }
        }
        return correct;
    }
}
