package org.nnzoo.models;

import java.util.function.Function;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;

/**
 * The multilayer perceptron: fully connected layers {@code h = f(W h_prev + b)} with a non-linearity
 * between them, trained by backpropagation.
 *
 * <p>D. E. Rumelhart, G. E. Hinton, R. J. Williams, "Learning representations by back-propagating errors",
 * Nature 323, 1986. The universal approximation theorem (Cybenko 1989; Hornik 1991) says one hidden layer
 * suffices in principle; more layers make it cheaper. Dropout: N. Srivastava et al., JMLR 15, 2014.
 *
 * <p>Built from DJL blocks; the input is flattened first, so images can be fed as they are. The network
 * outputs logits (no softmax): use it with {@code Loss.softmaxCrossEntropyLoss()}. See {@link ScratchMlp}
 * for the same network with backpropagation written by hand.
 */
public final class Mlp {

    private Mlp() {
    }

    /**
     * @param hidden     widths of the hidden layers, e.g. {@code {512, 256}}
     * @param outputs    number of output units (classes)
     * @param activation non-linearity after each hidden layer, e.g. {@code Activation::relu}
     * @param dropout    dropout probability after each hidden activation, 0 for none
     * @return the block: flatten, then (linear, activation, dropout) per hidden layer, then linear
     */
    public static SequentialBlock build(int[] hidden, int outputs, Function<NDList, NDList> activation, float dropout) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be at least 1, got " + outputs);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
        SequentialBlock net = new SequentialBlock().add(Blocks.batchFlattenBlock());
        for (int width : hidden) {
            if (width < 1) {
                throw new IllegalArgumentException("hidden layer widths must be positive, got " + width);
            }
            net.add(Linear.builder().setUnits(width).build()).add(activation);
            if (dropout > 0) {
                net.add(Dropout.builder().optRate(dropout).build());
            }
        }
        return net.add(Linear.builder().setUnits(outputs).build());
    }

    /** A ReLU MLP without dropout. */
    public static SequentialBlock build(int[] hidden, int outputs) {
        return build(hidden, outputs, Activation::relu, 0f);
    }
}
