package org.nnzoo.train;

import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.loss.Loss;

/**
 * A loss plus an L2 penalty on chosen parameters only: {@code L = base + (decay / 2) * sum ||W||^2}, whose
 * gradient adds {@code decay * W} to each chosen weight (the same step as "weight decay {@code decay}").
 *
 * <p>Why: DJL's optimizers apply their weight decay to every parameter, but some recipes regularise only
 * part of the model; Kipf and Welling's GCN, for example, decays only the first layer's weights
 * ({@code 5e-4 * tf.nn.l2_loss(W1)}, and {@code l2_loss} is half the sum of squares). Wrapping the loss gives
 * exactly that, and works with {@link Fit} unchanged. The penalty is evaluated in the manager of the
 * predictions (the batch's), so no array accumulates in the model's manager.
 */
public final class WeightDecayLoss extends Loss {

    private final Loss base;
    private final float decay;
    private final List<Parameter> parameters;

    /**
     * @param base       the data loss (e.g. softmax cross-entropy)
     * @param decay      the weight-decay factor (the penalty is {@code decay / 2} times the sum of squares)
     * @param parameters the parameters to penalise (their arrays are read at each evaluation, so they may
     *                   be created later, when training initialises the model)
     */
    public WeightDecayLoss(Loss base, float decay, List<Parameter> parameters) {
        super(base.getName());
        if (decay < 0 || Float.isNaN(decay)) {
            throw new IllegalArgumentException("decay must be >= 0, got " + decay);
        }
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("parameters is empty: name the weights to decay");
        }
        this.base = base;
        this.decay = decay;
        this.parameters = List.copyOf(parameters);
    }

    /** @return the penalty {@code (decay / 2) * sum ||W||^2}, a scalar in {@code manager} */
    public NDArray penalty(NDManager manager) {
        NDArray total = null;
        for (Parameter p : parameters) {
            if (!p.isInitialized()) {
                throw new IllegalStateException("parameter " + p.getName() + " has no value yet: initialise the model"
                        + " (Fit does) before evaluating the loss");
            }
            NDArray sq = p.getArray().square();
            sq.attach(manager); // keep the temporaries out of the model's manager
            NDArray s = sq.sum();
            total = total == null ? s : total.add(s);
        }
        return total.mul(Scalars.of(total, decay / 2f));
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray l = base.evaluate(labels, predictions);
        return decay == 0 ? l : l.add(penalty(predictions.head().getManager()));
    }
}
