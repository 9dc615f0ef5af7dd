package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageShape;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/** Output shapes of every block, and finite-difference gradient checks on tiny inputs. */
class VisionModelsTest {

    private static NDManager manager() {
        return NDManager.newBaseManager(Engine.getEngine("PyTorch").defaultDevice());
    }

    private static Shape forwardShape(Block block, Shape input) {
        try (NDManager m = manager()) {
            return forwardShape(block, input, m);
        }
    }

    private static Shape forwardShape(Block block, Shape input, NDManager m) {
        Engine.getInstance().setRandomSeed(1);
        block.initialize(m, DataType.FLOAT32, input);
        NDArray x = m.randomUniform(0, 1, input);
        NDArray y = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow();
        assertEquals(block.getOutputShapes(new Shape[] {input})[0], y.getShape(), "declared vs actual output shape");
        return y.getShape();
    }

    @Test
    void leNetShapesAndSeparableParts() {
        for (LeNet.Variant v : LeNet.Variant.values()) {
            SequentialBlock net = LeNet.build(v, 10);
            try (NDManager m = manager()) {
                assertEquals(new Shape(4, 10), forwardShape(net, new Shape(4, 1, 28, 28), m), v.name());
                NDArray x = m.randomUniform(0, 1, new Shape(3, 1, 28, 28));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray feats = LeNet.features(net).forward(ps, new NDList(x), false).singletonOrThrow();
                assertEquals(new Shape(3, LeNet.FEATURES), feats.getShape());
                NDArray viaHead = LeNet.head(net).forward(ps, new NDList(feats), false).singletonOrThrow();
                NDArray whole = net.forward(ps, new NDList(x), false).singletonOrThrow();
                assertTrue(whole.allClose(viaHead), "features then head must equal the whole network");
                assertEquals(new Shape(6, 1, 5, 5), LeNet.firstConv(net).getParameters().get("weight").getArray().getShape());
            }
        }
        SequentialBlock lenet = LeNet.build();
        try (NDManager m = manager()) {
            forwardShape(lenet, new Shape(1, 1, 28, 28), m);
            // 156 + 2,416 + 48,120 + 10,164 + 850
            assertEquals(61_706, org.nnzoo.train.Evaluation.parameterCount(lenet));
        }
    }

    @Test
    void resNetShapes() {
        // identity block keeps the shape; projection block halves the resolution and changes the width
        assertEquals(new Shape(2, 8, 14, 14), forwardShape(ResNet.basicBlock(8, 8, 1, true), new Shape(2, 8, 14, 14)));
        assertEquals(new Shape(2, 16, 7, 7), forwardShape(ResNet.basicBlock(8, 16, 2, true), new Shape(2, 8, 14, 14)));
        assertEquals(new Shape(2, 16, 7, 7), forwardShape(ResNet.basicBlock(8, 16, 2, false), new Shape(2, 8, 14, 14)));
        assertEquals(new Shape(2, 10), forwardShape(ResNet.small(1, 8, 10, true), new Shape(2, 1, 28, 28)));
        assertEquals(new Shape(2, 10), forwardShape(ResNet.small(3, 4, 10, false), new Shape(2, 1, 28, 28)));
        // early downsampling: the stem's max-pool halves 28 to 14, the stages give 14, 7, 4
        SequentialBlock compact = ResNet.compact(8, 10);
        assertEquals(new Shape(2, 10), forwardShape(compact, new Shape(2, 1, 28, 28)));
        assertEquals(new Shape(2, 8, 14, 14), compact.getChildren().get(0).getValue()
                .getOutputShapes(new Shape[] {new Shape(2, 1, 28, 28)})[0]);
        assertEquals(20, ResNet.depth(new int[] {3, 3, 3}));
        assertEquals(18, ResNet.depth(new int[] {2, 2, 2, 2}));
        SequentialBlock r18 = ResNet.resnet18(10);
        assertEquals(new Shape(1, 10), forwardShape(r18, new Shape(1, 1, 28, 28)));
        assertThrows(IllegalArgumentException.class, () -> ResNet.basicBlock(8, 8, 3, true));
        assertThrows(IllegalArgumentException.class, () -> ResNet.builder().stages(new int[] {1, 1}, new int[] {8}));
    }

    @Test
    void resNet18HasTheKnownParameterCount() {
        SequentialBlock r18 = ResNet.builder().inputChannels(3).stem(64, true)
                .stages(new int[] {2, 2, 2, 2}, new int[] {64, 128, 256, 512}).classes(1000).build();
        try (NDManager m = manager()) {
            r18.initialize(m, DataType.FLOAT32, new Shape(1, 3, 64, 64));
            long trainable = 0;
            for (var p : r18.getParameters().values()) {
                if (p.requiresGradient()) {
                    trainable += p.getArray().size();
                }
            }
            // torchvision resnet18: 11,689,512 parameters
            assertEquals(11_689_512, trainable);
        }
    }

    @Test
    void autoencoderShapes() {
        ConvAutoencoder ae = new ConvAutoencoder(ImageShape.MNIST, 16);
        assertEquals(new Shape(3, 1, 28, 28), forwardShape(ae.block(), new Shape(3, 1, 28, 28)));
        assertEquals(new Shape(3, 16), forwardShape(new ConvAutoencoder(ImageShape.MNIST, 16).encoder(), new Shape(3, 1, 28, 28)));
        assertEquals(new Shape(3, 1, 28, 28), forwardShape(new ConvAutoencoder(ImageShape.MNIST, 2).decoder(), new Shape(3, 2)));
        try (NDManager m = manager()) {
            NDArray x = m.arange(4f).reshape(1, 1, 2, 2);
            assertEquals(new Shape(1, 1, 4, 4), ConvAutoencoder.upsample2(x).getShape());
            assertTrue(ConvAutoencoder.upsample2(x).toFloatArray()[5] == 0f && ConvAutoencoder.upsample2(x).toFloatArray()[15] == 3f);
        }
        assertThrows(IllegalArgumentException.class, () -> new ConvAutoencoder(ImageShape.MNIST, 0));
    }

    /**
     * {@code upsample2} repeats each value in a 2x2 block, and its gradient is, bit for bit, the sum of the block's
     * four output gradients as {@code (g00 + g01) + (g10 + g11)} in float, which is what the earlier
     * {@code x.repeat(2, 2).repeat(3, 2)} gave (checked here too), so the chapters that upsample (10, 11, 12) train
     * exactly as before. Odd sizes, more than one image and channel.
     */
    @Test
    void upsample2RepeatsEachValueAndSumsItsGradientsInAFixedOrder() {
        for (long[] dims : new long[][] {{3, 5, 3, 7}, {2, 64, 7, 7}, {1, 1, 1, 1}}) {
            Shape shape = new Shape(dims);
            int n = (int) dims[0], c = (int) dims[1], h = (int) dims[2], w = (int) dims[3];
            SplittableRandom rnd = new SplittableRandom(7);
            float[] xs = new float[(int) shape.size()];
            float[] gs = new float[xs.length * 4];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rnd.nextGaussian();
            }
            for (int i = 0; i < gs.length; i++) {
                gs[i] = (float) (rnd.nextGaussian() * Math.exp(4 * rnd.nextGaussian())); // wide range: roundings differ by order
            }
            float[] wantY = new float[gs.length];
            float[] wantGrad = new float[xs.length];
            boolean ordersDiffer = false; // columns summed first vs rows first: these gradients must tell them apart
            for (int p = 0; p < n * c; p++) {
                for (int i = 0; i < h; i++) {
                    for (int j = 0; j < w; j++) {
                        int in = (p * h + i) * w + j;
                        int o = (p * 2 * h + 2 * i) * 2 * w + 2 * j;  // the block's top-left output
                        int below = o + 2 * w;
                        wantY[o] = wantY[o + 1] = wantY[below] = wantY[below + 1] = xs[in];
                        wantGrad[in] = (gs[o] + gs[o + 1]) + (gs[below] + gs[below + 1]);
                        ordersDiffer |= wantGrad[in] != (gs[o] + gs[below]) + (gs[o + 1] + gs[below + 1]);
                    }
                }
            }
            assertTrue(ordersDiffer || xs.length == 1, "test data too tame to tell the summation orders apart: " + shape);
            for (boolean repeat : new boolean[] {false, true}) {
                try (NDManager m = manager()) {
                    NDArray x = m.create(xs, shape);
                    x.setRequiresGradient(true);
                    NDArray g = m.create(gs, new Shape(n, c, 2L * h, 2L * w));
                    float[] y;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray out = repeat ? x.repeat(2, 2).repeat(3, 2) : ConvAutoencoder.upsample2(x);
                        assertEquals(g.getShape(), out.getShape());
                        y = out.toFloatArray();
                        gc.backward(out.mul(g).sum());
                    }
                    String what = (repeat ? "repeat" : "upsample2") + " " + shape;
                    assertArrayEquals(wantY, y, what + " output");   // without a delta JUnit compares floats by their bits
                    assertArrayEquals(wantGrad, x.getGradient().toFloatArray(), what + " gradient");
                }
            }
        }
        try (NDManager m = manager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConvAutoencoder.upsample2(m.zeros(new Shape(2, 3, 4))));
            assertTrue(e.getMessage().contains("(N, C, H, W)") && e.getMessage().contains("(2, 3, 4)"), e.getMessage());
        }
    }

    /**
     * Checks d(sum(out * r))/d(input) from autograd against central differences, in float64 and training
     * mode (batch norm uses the batch statistics, the same in every evaluation).
     */
    private static double maxGradientError(Block block, Shape input) {
        try (NDManager m = manager()) {
            Engine.getInstance().setRandomSeed(3);
            block.initialize(m, DataType.FLOAT64, input);
            SplittableRandom rnd = new SplittableRandom(4);
            double[] x0 = new double[Math.toIntExact(input.size())];
            for (int i = 0; i < x0.length; i++) {
                x0[i] = rnd.nextDouble(-1, 1);
            }
            Shape out = block.getOutputShapes(new Shape[] {input})[0];
            double[] r = new double[Math.toIntExact(out.size())];
            for (int i = 0; i < r.length; i++) {
                r[i] = rnd.nextDouble(-1, 1);
            }
            NDArray weights = m.create(r, out);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.create(x0, input);
            x.setRequiresGradient(true);
            double[] grad;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss = block.forward(ps, new NDList(x), true).singletonOrThrow().mul(weights).sum();
                gc.backward(loss);
                grad = x.getGradient().toDoubleArray();
            }
            double h = 1e-6;
            double worst = 0;
            for (int i = 0; i < x0.length; i += Math.max(1, x0.length / 40)) {
                double[] plus = x0.clone();
                double[] minus = x0.clone();
                plus[i] += h;
                minus[i] -= h;
                double fp = block.forward(ps, new NDList(m.create(plus, input)), true).singletonOrThrow().mul(weights).sum().getDouble();
                double fm = block.forward(ps, new NDList(m.create(minus, input)), true).singletonOrThrow().mul(weights).sum().getDouble();
                double numeric = (fp - fm) / (2 * h);
                worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(1, Math.abs(numeric)));
            }
            return worst;
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        assertTrue(maxGradientError(ResNet.basicBlock(2, 4, 2, true), new Shape(3, 2, 6, 6)) < 1e-6, "projection block");
        assertTrue(maxGradientError(ResNet.basicBlock(3, 3, 1, true), new Shape(3, 3, 5, 5)) < 1e-6, "identity block");
        assertTrue(maxGradientError(LeNet.build(LeNet.Variant.ORIGINAL, 10), new Shape(2, 1, 28, 28)) < 1e-6, "LeNet");
        assertTrue(maxGradientError(new ConvAutoencoder(ImageShape.MNIST, 3).block(), new Shape(2, 1, 28, 28)) < 1e-6, "autoencoder");
    }
}
