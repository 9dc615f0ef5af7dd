package org.nnzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy for sequence outputs: predictions {@code (B, T, V)} logits, labels {@code (B, T)}
 * class indices; the mean over all {@code B*T} positions, in nats (divide by {@code ln 2} for bits per
 * token). DJL's {@code softmaxCrossEntropyLoss} expects one label per sample; this flattens the time axis
 * into the batch first.
 */
public final class SequenceCrossEntropy extends Loss {

    private final Loss inner = Loss.softmaxCrossEntropyLoss();

    /** A sequence cross-entropy named {@code SequenceCrossEntropy}. */
    public SequenceCrossEntropy() {
        super("SequenceCrossEntropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray pred = predictions.head();
        NDArray label = labels.head();
        long v = pred.getShape().get(pred.getShape().dimension() - 1);
        if (label.getShape().size() * v != pred.getShape().size()) {
            throw new IllegalArgumentException("labels " + label.getShape() + " do not match predictions "
                    + pred.getShape() + ": expected labels of shape (B, T) for predictions (B, T, V)");
        }
        return inner.evaluate(new NDList(label.reshape(-1)), new NDList(pred.reshape(-1, v)));
    }
}
