package org.nnzoo.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

import org.nnzoo.train.StepListener.Phase;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.RandomUtils;

/**
 * The generic supervised training loop every notebook uses: epochs of mini-batch gradient descent on a
 * DJL {@link Model}, with a loss, an optimizer, optional accuracy, validation after each epoch, an early
 * stop rule, a live progress view and a {@link History}.
 *
 * <p>Memory: each batch's arrays (inputs, activations, loss) live in the batch's own sub-manager, closed
 * after the step, so native memory stays flat over any number of steps. Determinism: {@link #seed} seeds
 * DJL's engine (parameter initialisation, dropout) and the shuffling; same seed, same numbers on CPU.
 *
 * <p>{@link #run()} is the loop to read. The machinery around it lives in its own classes: {@link OptimizerStep}
 * (the optimizer step, taken without DJL's per-parameter gradient copies where DJL's trainer can be read: the same
 * numbers, faster), {@link BestEpoch} ({@link #keepBest}) and {@link PhaseTimes}, a {@link StepListener} that
 * prints, with {@code NNZOO_FIT_PHASES=1} (or {@code -Dnnzoo.fit.phases=true}), the wall-clock time per batch of each
 * phase of the step after each epoch.
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
    private StopRule stopRule = history -> false;
    private BiConsumer<Integer, History> onEpoch = (epoch, history) -> { };
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
        this.stopRule = rule != null ? rule : history -> false;
        return this;
    }

    /** Called after each epoch with the epoch index (0-based) and the history so far. */
    public Fit onEpoch(BiConsumer<Integer, History> callback) {
        this.onEpoch = callback != null ? callback : (epoch, history) -> { };
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

    /**
     * Runs the training and returns its history. Each step is forward, loss, backward, optimizer step; each epoch
     * ends with the validation pass, a row of the history and the epoch hooks ({@link #keepBest}, the progress view,
     * {@link #onEpoch}, {@link #stopWhen}). The notebook's interrupt button stops it between two batches.
     */
    public History run() {
        Denormals.onThisThread(); // a converging model makes denormal numbers, which x86 computes slowly
        History history = new History();
        Optimizer opt = optimizer != null ? optimizer
                : Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).build();
        try (Trainer trainer = newTrainer(opt);
                NativeTuning.ThreadCap threads = NativeTuning.trainingThreads(model.getBlock())) { // recurrent nets: 1 thread
            ProgressView view = new ProgressView(title, epochs, train.batchCount(), history);
            OptimizerStep optimizerStep = OptimizerStep.fastest(trainer, opt);
            BestEpoch best = new BestEpoch(keepBest, model, trainer.getManager(), validation != null);
            StepListener timer = PhaseTimes.fromSettings(title);
            for (int epoch = 0; epoch < epochs; epoch++) {
                Tally tally = new Tally();
                timer.epochStarted();
                for (Batch batch : train.batches(trainer.getManager(), epoch)) {
                    timer.after(Phase.NEXT_BATCH);
                    try (batch) {
                        int e = epoch;
                        int b = tally.batches;
                        Interrupt.check(() -> "epoch " + (e + 1) + ", batch " + (b + 1), Interrupt.KEEPS_WEIGHTS);
                        NDList x = batch.getData();
                        NDList y = batch.getLabels();
                        NDList pred;
                        NDArray loss;
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            pred = trainer.forward(x, y);                 // y_hat = f(x; w), recording the graph
                            timer.after(Phase.FORWARD);
                            loss = trainer.getLoss().evaluate(y, pred);   // L = loss(y, y_hat), mean over the batch
                            timer.after(Phase.LOSS);
                            gc.backward(loss);                            // dL/dw for every parameter w
                        }
                        timer.after(Phase.BACKWARD);
                        optimizerStep.apply();                            // w <- optimizer(w, dL/dw)
                        timer.after(Phase.OPTIMIZER_STEP);
                        tally.addLoss(loss.getFloat(), batch.getSize());
                        timer.after(Phase.LOSS_READ);
                        tally.correct += accuracy ? countCorrect(pred, y) : 0;
                        timer.after(Phase.CORRECT_COUNT);
                        view.batch(epoch, tally.batches, tally.loss(), accuracy ? tally.accuracy() : Double.NaN, tally.rate());
                    }
                    timer.after(Phase.CLOSE_BATCH);
                }
                timer.epochEnded(epoch);
                Map<String, Double> row = record(trainer, tally);
                history.add(row);
                best.epochEnded(row);
                view.epoch(epoch, row);
                onEpoch.accept(epoch, history);
                if (stopRule.shouldStop(history)) {
                    break;
                }
            }
            best.restore(); // keepBest: the best epoch's parameters
        }
        return history;
    }

    /** @return a trainer for the run, the model's parameters initialised (seeded) unless {@link #continueTraining} */
    private Trainer newTrainer(Optimizer opt) {
        if (initialize) {
            Engine.getInstance().setRandomSeed(seed);
            RandomUtils.RANDOM.setSeed(seed);
        }
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss).optOptimizer(opt)
                .optDevices(new Device[] {Device.cpu()});
        if (initializer != null) {
            config.optInitializer(initializer, Parameter.Type.WEIGHT);
        }
        Trainer trainer = model.newTrainer(config);
        try {
            if (initialize) {
                trainer.initialize(train.inputShapes());
            }
            return trainer;
        } catch (RuntimeException e) {
            trainer.close();
            throw e;
        }
    }

    /** @return the epoch's row of the history: training metrics, then validation ones, then timing */
    private Map<String, Double> record(Trainer trainer, Tally epoch) {
        double seconds = epoch.seconds(); // training only, validation not included
        Map<String, Double> row = new LinkedHashMap<>();
        row.put("train_loss", epoch.loss());
        if (accuracy) {
            row.put("train_acc", epoch.accuracy());
        }
        if (validation != null) {
            Tally v = evaluate(trainer, validation);
            row.put("val_loss", v.loss());
            if (accuracy) {
                row.put("val_acc", v.accuracy());
            }
        }
        row.put("seconds", seconds);
        row.put("samples_per_s", epoch.seen / seconds);
        return row;
    }

    /** @return the mean loss (and the correct count, with accuracy on) of the model on {@code data}, in inference mode */
    private Tally evaluate(Trainer trainer, BatchSource data) {
        Tally t = new Tally();
        for (Batch batch : data.batches(trainer.getManager(), 0)) {
            try (batch) {
                Interrupt.check(() -> "the validation pass", "the model keeps the weights of its last training step");
                NDList pred = trainer.evaluate(batch.getData());
                t.addLoss(trainer.getLoss().evaluate(batch.getLabels(), pred).getFloat(), batch.getSize());
                t.correct += accuracy ? countCorrect(pred, batch.getLabels()) : 0;
            }
        }
        return t;
    }

    /** Running sums over the batches of one pass: the sample-weighted loss, correct predictions, samples, time. */
    private static final class Tally {
        private final long start = System.nanoTime();
        private double lossSum;
        private long correct;
        private long seen;
        private int batches;

        /** Adds a batch of {@code n} samples whose mean loss is {@code meanLoss}. */
        void addLoss(float meanLoss, int n) {
            lossSum += meanLoss * n; // a float product, as the batch loss has always been weighted
            seen += n;
            batches++;
        }

        double loss() {
            return lossSum / seen;
        }

        double accuracy() {
            return correct / (double) seen;
        }

        double seconds() {
            return (System.nanoTime() - start) / 1e9;
        }

        double rate() {
            return seen / seconds();
        }
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
