package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * How a spiking network's output layer ({@link Snn.Network}) is read and trained: the class scores whose
 * argmax is the prediction ({@link #scores}: the class that fires most, ties broken by the membrane) and the
 * loss ({@link MembraneLoss}: cross-entropy of the output membrane potential at every step, as in snnTorch's
 * tutorials; denser gradients than a loss on spike counts).
 */
public final class SnnReadout {

    private SnnReadout() {
    }

    /**
     * The class scores the prediction is the argmax of: the output spike count plus
     * {@code 1/4 + atan(mean_t U_out[t]) / (2 pi)}, an increasing function of the mean membrane potential with
     * values in (0, 1/2). So the class that fires most wins, and a tie in spike counts (common with T = 25:
     * two output neurons both firing at almost every step, or none firing at all) goes to the neuron whose
     * membrane was higher on average, the one closer to firing once more, rather than to the lower class
     * index. (Not a sigmoid: in float32 it rounds to exactly 1 above about 17, which would make a count of
     * k equal to k + 1; the arctangent stays below its bound and still separates large potentials.)
     *
     * @param counts   output spike counts {@code (batch, outputs)}
     * @param membrane output membrane potential {@code (T, batch, outputs)}
     * @return {@code (batch, outputs)}
     */
    public static NDArray scores(NDArray counts, NDArray membrane) {
        NDArray meanU = membrane.stopGradient().mean(new int[] {0});
        NDArray fraction = meanU.atan().div(Snn.constant(meanU, (float) (2 * Math.PI))).add(Snn.constant(meanU, 0.25f));
        return counts.add(fraction); // count + 1/4 + atan(mean_t U_out[t]) / (2 pi)
    }

    /**
     * Cross-entropy of the output membrane potential at every time step, averaged over steps and samples:
     * {@code L = -1/(T n) sum_t sum_i log softmax(U_out[t, i])_{y_i}}. It pushes the correct output neuron's
     * membrane above threshold (so it fires) and the others below, with a gradient at every step. Expects the
     * {@link Snn.Network}'s outputs (the membrane is the second) and class indices as labels.
     */
    public static final class MembraneLoss extends Loss {
        public MembraneLoss() {
            super("membrane_ce");
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            if (predictions.size() < 2) {
                throw new IllegalArgumentException("MembraneLoss needs the Snn.Network outputs {counts, membrane (T, batch, classes)}, got "
                        + predictions.size() + " array(s)");
            }
            NDArray mem = predictions.get(1);
            long classes = mem.getShape().get(2);
            NDArray oneHot = labels.head().toType(DataType.INT32, false).reshape(-1).oneHot((int) classes).expandDims(0);
            return mem.logSoftmax(2).mul(oneHot).sum(new int[] {2}).mean().neg(); // -mean_{t,i} log softmax(U[t, i])_{y_i}
        }
    }
}
