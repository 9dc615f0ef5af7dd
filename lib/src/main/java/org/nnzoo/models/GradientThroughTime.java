package org.nnzoo.models;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import org.nnzoo.models.RecurrentNetworks.Kind;

/**
 * The vanishing-gradient probe of chapter 7: how strongly the loss at the end of a sequence depends on the input
 * at each step, {@code ||dL/dx_t||} ({@link RecurrentNetworks#inputGradientNorms}), divided by its value at the
 * last step so that cells compare on one log-scale chart.
 */
public final class GradientThroughTime {

    private GradientThroughTime() {
    }

    /**
     * The probe on an untrained sequence classifier ({@link RecurrentNetworks#classifier}, 10 classes), initialised
     * with seed 3.
     *
     * @param kind       the cell
     * @param hidden     its state size
     * @param x          inputs {@code (B, T, D)}
     * @param y          class labels {@code (B)}
     * @param forgetBias the LSTM's forget-gate bias ({@link RecurrentNetworks#setForgetBias}), or NaN for the default
     * @return {@code ||dL/dx_t|| / ||dL/dx_T||} for t = 1..T
     */
    public static double[] untrained(Kind kind, int hidden, NDArray x, NDArray y, float forgetBias) {
        Engine.getInstance().setRandomSeed(3);
        try (Model m = Model.newInstance("probe-" + kind)) {
            m.setBlock(RecurrentNetworks.classifier(kind, hidden, 1, 10, false));
            m.getBlock().initialize(m.getNDManager(), DataType.FLOAT32, new Shape(1, x.getShape().get(1), x.getShape().get(2)));
            if (!Float.isNaN(forgetBias)) {
                RecurrentNetworks.setForgetBias(m.getBlock(), forgetBias);
            }
            return relative(RecurrentNetworks.inputGradientNorms(m, x, y));
        }
    }

    /** @return the probe on a trained model: {@code ||dL/dx_t|| / ||dL/dx_T||} for t = 1..T */
    public static double[] trained(Model model, NDArray x, NDArray y) {
        return relative(RecurrentNetworks.inputGradientNorms(model, x, y));
    }

    /** @return {@code g} divided by its last element */
    static double[] relative(double[] g) {
        double last = g[g.length - 1];
        double[] out = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            out[i] = g[i] / last;
        }
        return out;
    }
}
