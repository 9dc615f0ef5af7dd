package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;

/** The loop convolution must equal DJL's (PyTorch's) convolution on random input. */
class ScratchConv2dTest {

    private static float[] random(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) r.nextDouble(-1, 1);
        }
        return a;
    }

    private static void compare(int n, int c, int h, int w, int f, int k, int stride, int pad) {
        float[] x = random(n * c * h * w, 1 + h);
        float[] kernel = random(f * c * k * k, 2 + k);
        float[] bias = random(f, 3);
        float[] mine = ScratchConv2d.conv2d(x, n, c, h, w, kernel, f, k, k, bias, stride, pad);
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice())) {
            NDArray y = ai.djl.nn.convolutional.Conv2d.conv2d(m.create(x, new Shape(n, c, h, w)), m.create(kernel, new Shape(f, c, k, k)),
                    m.create(bias), new Shape(stride, stride), new Shape(pad, pad), new Shape(1, 1), 1).singletonOrThrow();
            int oh = ScratchConv2d.outputSize(h, k, stride, pad);
            assertEquals(new Shape(n, f, oh, ScratchConv2d.outputSize(w, k, stride, pad)), y.getShape());
            assertArrayEquals(y.toFloatArray(), mine, 1e-5f, "conv " + k + "x" + k + " stride " + stride + " pad " + pad);
        }
    }

    @Test
    void matchesDjlConvolution() {
        compare(2, 3, 9, 7, 4, 3, 1, 0);
        compare(2, 3, 9, 7, 4, 3, 1, 1);
        compare(1, 1, 28, 28, 6, 5, 1, 2); // LeNet's C1
        compare(3, 2, 10, 11, 5, 3, 2, 1); // strided, odd sizes
    }

    @Test
    void maxPoolMatchesDjl() {
        float[] x = random(2 * 3 * 8 * 6, 9);
        float[] mine = ScratchConv2d.maxPool2d(x, 2, 3, 8, 6, 2, 2);
        try (NDManager m = NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice())) {
            NDArray y = Pool.maxPool2d(m.create(x, new Shape(2, 3, 8, 6)), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
            assertArrayEquals(y.toFloatArray(), mine, 0f);
        }
    }

    @Test
    void receptiveFieldOfLeNet() {
        // conv5, pool2, conv5, pool2: one S4 unit sees 16x16 input pixels
        assertEquals(16, ScratchConv2d.receptiveField(new int[] {5, 2, 5, 2}, new int[] {1, 2, 1, 2}));
        assertEquals(5, ScratchConv2d.receptiveField(new int[] {3, 3}, new int[] {1, 1}));
    }

    @Test
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> ScratchConv2d.conv2d(new float[10], 1, 1, 3, 3, new float[9], 1, 3, 3, null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ScratchConv2d.outputSize(2, 5, 1, 0));
    }
}
