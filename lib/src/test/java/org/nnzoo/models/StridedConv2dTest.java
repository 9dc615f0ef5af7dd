package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.nnzoo.train.Reproducible;

/**
 * {@link StridedConv2d}: the convolution it trains with in the reproducible mode ({@link TorchOps#conv2dIm2col}, im2col
 * and matrix products) gives DJL's convolution and its gradients with respect to the input, the weights and the bias
 * (and without a bias, input and weights); it refuses bad arguments by name; and the block's training forward gives
 * the same output as its evaluation forward, and exactly im2col's in the reproducible mode (the tests' default) for a
 * stride above 1.
 */
class StridedConv2dTest {

    @ParameterizedTest(name = "{0}x{0} kernel, stride {1}, padding {2}, {3}x{4} input, bias {5}")
    @CsvSource({"3, 2, 1, 14, 14, true", "3, 2, 1, 7, 7, true", "4, 2, 1, 28, 28, true", "1, 2, 0, 14, 14, true",
        "7, 2, 3, 16, 16, true", "3, 3, 1, 10, 11, true", "5, 2, 0, 13, 9, true", "2, 2, 0, 8, 8, true",
        "3, 1, 1, 6, 6, true", "3, 2, 1, 9, 9, false", "1, 2, 0, 14, 14, false"})
    void im2colEqualsTheConvolutionAndItsGradients(int k, int s, int p, int h, int w, boolean withBias) {
        Engine.getInstance().setRandomSeed(11);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(3, 5, h, w));
            NDArray weight = m.randomNormal(new Shape(4, 5, k, k));
            NDArray bias = m.randomNormal(new Shape(4));
            int count = withBias ? 3 : 2;
            float[][] results = new float[2][];
            float[][][] grads = new float[2][count][];
            for (int way = 0; way < 2; way++) {
                NDArray[] inputs = {x.duplicate(), weight.duplicate(), withBias ? bias.duplicate() : null};
                for (int i = 0; i < count; i++) {
                    inputs[i].setRequiresGradient(true);
                }
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = way == 0
                            ? Conv2d.conv2d(inputs[0], inputs[1], inputs[2], new Shape(s, s), new Shape(p, p)).singletonOrThrow()
                            : TorchOps.conv2dIm2col(inputs[0], inputs[1], inputs[2], new Shape(s, s), new Shape(p, p));
                    results[way] = y.toFloatArray();
                    if (way == 1) {
                        assertEquals(Conv2d.conv2d(x, weight, inputs[2], new Shape(s, s), new Shape(p, p)).singletonOrThrow()
                                .getShape(), y.getShape());
                    }
                    gc.backward(y.mul(y).sum());
                }
                for (int i = 0; i < count; i++) {
                    grads[way][i] = inputs[i].getGradient().toFloatArray();
                }
            }
            assertClose(results[0], results[1], "output");
            String[] names = {"input gradient", "weight gradient", "bias gradient"};
            for (int i = 0; i < count; i++) {
                assertClose(grads[0][i], grads[1][i], names[i]);
            }
        }
    }

    @Test
    void im2colRefusesBadArgumentsByName() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 9, 9));
            NDArray weight = m.randomNormal(new Shape(5, 3, 3, 3));
            IllegalArgumentException channels = assertThrows(IllegalArgumentException.class, () -> TorchOps.conv2dIm2col(x,
                    m.randomNormal(new Shape(5, 4, 3, 3)), null, new Shape(2, 2), new Shape(1, 1)));
            assertTrue(channels.getMessage().contains("(2, 3, 9, 9)"), channels.getMessage());
            IllegalArgumentException bias = assertThrows(IllegalArgumentException.class, () -> TorchOps.conv2dIm2col(x, weight,
                    m.randomNormal(new Shape(4)), new Shape(2, 2), new Shape(1, 1)));
            assertTrue(bias.getMessage().contains("bias of shape (5)"), bias.getMessage());
            IllegalArgumentException stride = assertThrows(IllegalArgumentException.class, () -> TorchOps.conv2dIm2col(x, weight,
                    null, new Shape(0, 2), new Shape(1, 1)));
            assertTrue(stride.getMessage().contains("stride (0, 2)"), stride.getMessage());
        }
    }

    @ParameterizedTest(name = "training forward = evaluation forward, stride {0}")
    @CsvSource({"1", "2"})
    void trainingAndEvaluationAgree(int s) {
        Engine.getInstance().setRandomSeed(5);
        Block conv = StridedConv2d.builder().setFilters(6).setKernelShape(new Shape(3, 3)).optStride(new Shape(s, s))
                .optPadding(new Shape(1, 1)).build();
        assertInstanceOf(StridedConv2d.class, conv);
        try (NDManager m = NDManager.newBaseManager()) {
            conv.initialize(m, DataType.FLOAT32, new Shape(2, 3, 9, 9));
            NDArray x = m.randomNormal(new Shape(2, 3, 9, 9));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray train;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                train = conv.forward(ps, new NDList(x), true).singletonOrThrow();
            }
            NDArray eval = conv.forward(ps, new NDList(x), false).singletonOrThrow();
            assertArrayEquals(eval.getShape().getShape(), train.getShape().getShape());
            assertClose(eval.toFloatArray(), train.toFloatArray(), "training vs evaluation output");
            // bit for bit what training runs: im2col in the reproducible mode (the tests' default), else DJL's
            NDArray w = conv.getParameters().get("weight").getArray();
            NDArray b = conv.getParameters().get("bias").getArray();
            Shape stride = new Shape(s, s);
            Shape padding = new Shape(1, 1);
            NDArray expected = s > 1 && Reproducible.isOn() ? TorchOps.conv2dIm2col(x, w, b, stride, padding)
                    : Conv2d.conv2d(x, w, b, stride, padding).singletonOrThrow();
            assertArrayEquals(expected.toFloatArray(), train.toFloatArray(), "training forward, stride " + s
                    + (Reproducible.isOn() ? ", reproducible mode" : ", mode off"));
        }
    }

    /** Equal up to float rounding: within 1e-5 of the largest magnitude (sums of up to 245 products). */
    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale, what + " " + i);
        }
    }
}
