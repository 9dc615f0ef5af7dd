package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;

import ai.djl.Model;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.StopRule;
import org.nnzoo.train.WeightDecayLoss;

/**
 * The training details of the two GCN reference implementations that are not part of the model ({@link Gcn}):
 *
 * <ul>
 *   <li>Kipf and Welling's TensorFlow code (github.com/tkipf/gcn, {@code gcn/train.py}): no biases
 *       ({@link Gcn#build(int, int, float)}), cross-entropy plus {@code 5e-4 * l2_loss(W1)} on the first
 *       layer's weight only ({@link #firstLayerWeights}, for {@link org.nnzoo.train.WeightDecayLoss}), Adam with
 *       learning rate 0.01, at most 200 epochs ended by {@link #kipfEarlyStopping}.</li>
 *   <li>PyTorch Geometric's {@code examples/gcn.py}: {@code GCNConv} layers with biases
 *       ({@link Gcn#build(int, int, float, boolean)}), the first layer's weight and bias decayed, 200 epochs, and
 *       the model of the epoch with the best validation accuracy ({@code Fit.keepBest("val_acc")}).</li>
 * </ul>
 * The 13-gcn notebook runs both, side by side, through {@link #train}.
 */
public final class GcnRecipes {

    private GcnRecipes() {
    }

    /**
     * The hyper-parameters of a run.
     *
     * @param epochs        at most this many epochs (200 in the paper)
     * @param hidden        width of the hidden layer (16)
     * @param classes       number of classes
     * @param dropout       dropout rate on the inputs of both layers (0.5)
     * @param weightDecay   the L2 factor on the first layer's weights, {@code weightDecay / 2 * ||W1||^2} (5e-4)
     * @param learningRate  Adam's learning rate (0.01)
     * @param window        the window of {@link #kipfEarlyStopping} (10)
     */
    public record Settings(int epochs, int hidden, int classes, float dropout, float weightDecay, float learningRate,
                           int window) {
    }

    /** How training ends and which model is tested. */
    public enum Selection {
        /** Kipf's early stopping ({@link #kipfEarlyStopping}); the model it stops with. */
        KIPF_EARLY_STOP,
        /** All epochs; the last model. */
        LAST_EPOCH,
        /** All epochs; the model of the first epoch with the best validation accuracy (PyTorch Geometric). */
        BEST_VAL_ACC
    }

    /**
     * One training run.
     *
     * @param model                  the trained model (close it)
     * @param history                the per-epoch metrics
     * @param testAccuracy           the test accuracy of the selected model
     * @param bestValAccTestAccuracy the test accuracy at the epoch of the best validation accuracy (first of ties),
     *                               kept for comparison only, never to choose anything
     * @param seconds                wall-clock training time
     */
    public record Run(Model model, History history, double testAccuracy, double bestValAccTestAccuracy, double seconds) {
    }

    /**
     * Trains a fresh two-layer GCN ({@link Gcn#build(int, int, float, boolean)}) with Adam and the first layer's
     * weight decay in the loss, and tests the model the selection rule keeps.
     *
     * @param s         the hyper-parameters
     * @param train     the graph with the training nodes
     * @param val       the same graph with the validation nodes
     * @param test      the same graph with the test nodes
     * @param seed      the seed of the initial weights and the dropout masks
     * @param selection how training ends and which model is tested
     * @param withBias  PyTorch Geometric's {@code GCNConv} layers (zero-initialised biases; the first layer's bias
     *                  decayed too) instead of Kipf's layers without biases
     * @param title     the title of the progress view
     * @return the run
     */
    public static Run train(Settings s, FullGraph train, FullGraph val, FullGraph test, int seed, Selection selection,
                            boolean withBias, String title) {
        // excerpt-begin: train
        Model model = Model.newInstance("gcn");
        Gcn.Net net = Gcn.build(s.hidden(), s.classes(), s.dropout(), withBias);
        model.setBlock(net);
        List<Parameter> decayed = new ArrayList<>(List.of(net.firstLayer().weight()));
        net.firstLayer().bias().ifPresent(decayed::add);
        Loss loss = new WeightDecayLoss(Loss.softmaxCrossEntropyLoss(), s.weightDecay(), decayed);
        double[] atBestValAcc = {Double.NaN, -1}; // {test accuracy, validation accuracy} at the best val_acc so far
        long t0 = System.nanoTime();
        Fit fit = Fit.of(model, train).validation(val).loss(loss)
                .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(s.learningRate())).build())
                .epochs(s.epochs()).accuracy(true).seed(seed).title(title);
        if (selection == Selection.KIPF_EARLY_STOP) {
            fit.stopWhen(kipfEarlyStopping(s.window()));
        }
        if (selection == Selection.BEST_VAL_ACC) {
            fit.keepBest("val_acc"); // restores the first epoch of the best val_acc
        }
        // excerpt-skip: after each epoch, note the test accuracy at the best validation accuracy so far (comparison only)
        fit.onEpoch((e, hist) -> {
            if (hist.last("val_acc") > atBestValAcc[1]) { // comparison only: not used to pick the model
                atBestValAcc[1] = hist.last("val_acc");
                atBestValAcc[0] = Evaluation.accuracy(test.labelsOfNodes(), Gcn.predict(model, test));
            }
        });
        // excerpt-resume
        History h = fit.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        double acc = Evaluation.accuracy(test.labelsOfNodes(), Gcn.predict(model, test)); // the selected model
        return new Run(model, h, acc, atBestValAcc[0], secs);
        // excerpt-end: train
    }

    /**
     * Kipf and Welling's early stopping (their reference code, {@code gcn/train.py}): after each epoch, stop
     * when the validation loss is above the mean of the {@code window} epochs before it (checked from the
     * {@code window + 2}-th epoch on); the model of the epoch it stops at (or of the last epoch) is the one
     * evaluated. {@code window} is 10 in their code. Unlike picking the epoch of the best validation
     * <em>accuracy</em> (500 nodes: steps of 0.2 points, many ties, easily an early, lucky epoch), this reads a
     * smooth signal and leaves the model where the optimiser took it.
     *
     * @param window number of previous epochs averaged
     * @return the rule, on the history column {@code val_loss} (so set {@code Fit.validation(...)})
     */
    public static StopRule kipfEarlyStopping(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        return h -> {
            if (!h.columns().contains("val_loss")) {
                throw new IllegalArgumentException("kipfEarlyStopping reads val_loss: set Fit.validation(...)");
            }
            double[] v = h.values("val_loss");
            int last = v.length - 1;
            if (last <= window) { // Kipf: epoch > window (0-based)
                return false;
            }
            double mean = 0;
            for (int i = last - window; i < last; i++) {
                mean += v[i];
            }
            return v[last] > mean / window; // val_loss[t] > mean(val_loss[t-window .. t-1])
        };
    }

    /** @return the weights of the first layer, for Kipf's weight-decay term (after initialisation) */
    public static List<Parameter> firstLayerWeights(Model model) {
        if (!(model.getBlock() instanceof Gcn.Net net)) {
            throw new IllegalArgumentException("the model's block is not a Gcn.Net");
        }
        return List.of(net.firstLayer().weight());
    }
}
