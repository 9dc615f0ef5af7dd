package org.nnzoo.rl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The Huber loss (P. J. Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 35, 1964),
 * averaged over all elements: for {@code d = prediction - label},
 * {@code 0.5 d^2} when {@code |d| <= delta}, else {@code delta (|d| - 0.5 delta)}. Quadratic near zero,
 * linear for large errors, so one bad TD target cannot blow up a DQN update (Mnih et al. 2015 clip the
 * error term to [-1, 1], which is the gradient of this loss with delta 1). Equals PyTorch's
 * {@code huber_loss} / {@code smooth_l1_loss} with delta (beta) 1. DJL 0.35 has no Huber loss.
 */
public final class HuberLoss extends Loss {

    private final float delta;

    /** Huber loss with {@code delta = 1}. */
    public HuberLoss() {
        this(1f);
    }

    /** @param delta where the loss turns from quadratic to linear, > 0 */
    public HuberLoss(float delta) {
        super("HuberLoss");
        if (!(delta > 0)) {
            throw new IllegalArgumentException("delta must be > 0, got " + delta);
        }
        this.delta = delta;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return of(predictions.singletonOrThrow(), labels.singletonOrThrow());
    }

    /** @return the mean Huber loss of {@code prediction - label} (a scalar) */
    // excerpt-begin: huber
    public NDArray of(NDArray prediction, NDArray label) {
        NDArray abs = prediction.sub(label).abs();
        NDArray d = org.nnzoo.train.Scalars.of(abs, delta);  // not a Java number: see Scalars
        NDArray quad = abs.minimum(d);              // the error's size |prediction - label|, capped at delta
        NDArray lin = abs.sub(quad);                // the part of that size beyond delta (0 inside)
        return quad.square().mul(org.nnzoo.train.Scalars.of(abs, 0.5f)).add(lin.mul(d)).mean();
    }
    // excerpt-end: huber
}
