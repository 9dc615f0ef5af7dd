package org.nnzoo.models;

import java.util.List;

import ai.djl.Model;
import ai.djl.nn.Parameter;

import org.nnzoo.train.StopRule;

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
 * The 13-gcn notebook runs both, side by side.
 */
public final class GcnRecipes {

    private GcnRecipes() {
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
