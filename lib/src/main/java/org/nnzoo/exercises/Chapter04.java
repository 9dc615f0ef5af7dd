package org.nnzoo.exercises;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import org.nnzoo.models.ResNet;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 4 (ResNet): the basic residual block's forward pass, checked against {@link ResNet#basicBlock}. */
public final class Chapter04 {

    private Chapter04() {
    }

    /**
     * Exercise 4.1: a basic block's output for a batch {@code x (N, C_in, H, W)}, given the 3x3 kernels {@code w1
     * (C_out, C_in, 3, 3)} and {@code w2 (C_out, C_out, 3, 3)} and the projection's 1x1 kernel {@code ws (C_out, C_in,
     * 1, 1)}, which is null when the shortcut is the identity; {@code stride} is 1 or 2.
     */
    @FunctionalInterface
    public interface ResidualBlock {
        NDArray apply(NDArray x, NDArray w1, NDArray w2, NDArray ws, int stride);
    }

    /**
     * The building brick of exercise 4.1: a convolution with kernel {@code w} (no bias, "same" padding {@code k/2},
     * the given stride) followed by batch normalisation with the batch's statistics ({@code gamma = 1, beta = 0},
     * {@code epsilon = 1e-5}), as a freshly initialised block computes it in training.
     */
    public static NDArray convBn(NDArray x, NDArray w, int stride) {
        int k = (int) w.getShape().get(2);
        NDArray z = Conv2d.conv2d(x, w, null, new Shape(stride, stride), new Shape(k / 2, k / 2), new Shape(1, 1), 1)
                .singletonOrThrow();
        NDArray centred = z.sub(channelMean(z));
        NDArray variance = channelMean(centred.square());
        return centred.div(variance.add(1e-5f).sqrt());
    }

    /** The mean of each channel over the batch and the positions, shape {@code (1, C, 1, 1)}. */
    private static NDArray channelMean(NDArray z) {
        return z.mean(new int[] {3}, true).mean(new int[] {2}, true).mean(new int[] {0}, true);
    }

    /** The cases of 4.1: batch, input channels, output channels, side, stride. */
    private static final int[][] CASES = {{4, 4, 4, 6, 1}, {3, 3, 6, 6, 1}, {4, 4, 8, 8, 2}, {2, 2, 2, 5, 1}};

    @Checks("4.1")
    public static Report residualBlock(ResidualBlock answer) {
        Report r = new Report("4.1");
        SplittableRandom rnd = new SplittableRandom(41);
        for (int[] cs : CASES) {
            int n = cs[0], in = cs[1], out = cs[2], h = cs[3], stride = cs[4];
            boolean projection = stride != 1 || in != out;
            String what = String.format("batch %d, %d -> %d channels, %dx%d, stride %d, %s shortcut", n, in, out, h, h, stride,
                    projection ? "projection" : "identity");
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray x = m.create(random(rnd, n * in * h * h), new Shape(n, in, h, h));
                NDArray w1 = m.create(random(rnd, out * in * 9), new Shape(out, in, 3, 3));
                NDArray w2 = m.create(random(rnd, out * out * 9), new Shape(out, out, 3, 3));
                NDArray ws = projection ? m.create(random(rnd, out * in), new Shape(out, in, 1, 1)) : null;
                float[] expected = reference(m, x, w1, w2, ws, stride);
                NDArray got;
                try {
                    got = answer.apply(x, w1, w2, ws, stride);
                } catch (RuntimeException e) {
                    if (e instanceof org.nnzoo.notebook.Exercise.NotDone) {
                        throw e;
                    }
                    r.fail(what + ": your code threw " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
                    r.hint(projection, "this block changes the channels or the resolution, so x cannot be added as it is: "
                            + "the shortcut is the projection convBn(x, ws, stride)");
                    continue;
                }
                int o = (h - 1) / stride + 1;
                Shape want = new Shape(n, out, o, o);
                if (got == null || !got.getShape().equals(want)) {
                    r.fail(what + ": output shape " + (got == null ? "null" : got.getShape()) + ", expected " + want);
                    r.hint(true, "the first convolution (and the projection) carry the stride; the output has C_out channels");
                    continue;
                }
                float[] flat = got.toType(DataType.FLOAT32, false).toFloatArray();
                if (!r.compare(what, flat, expected, 1e-4)) {
                    NDArray f1 = convBn(x, w1, stride);
                    NDArray fx = convBn(Activation.relu(f1), w2, 1);
                    NDArray s = projection ? convBn(x, ws, stride) : x;
                    r.hint(Arrays3.close(flat, fx.add(s).toFloatArray()),
                            "the final ReLU is missing: y = relu(F(x) + shortcut(x))");
                    r.hint(Arrays3.close(flat, Activation.relu(fx).add(s).toFloatArray()),
                            "the ReLU comes after the addition, not before it: relu(F(x) + shortcut(x)), not relu(F(x)) + shortcut(x)");
                    r.hint(Arrays3.close(flat, Activation.relu(fx).toFloatArray()),
                            "the shortcut is missing: that is the plain block relu(F(x))");
                    r.hint(Arrays3.close(flat, Activation.relu(convBn(f1, w2, 1).add(s)).toFloatArray()),
                            "the ReLU between the two convolutions is missing: F(x) = BN(w2 * relu(BN(w1 * x)))");
                    r.hint(stride != 1 && Arrays3.close(flat,
                            Activation.relu(convBn(Activation.relu(convBn(x, w1, 1)), w2, stride).add(s)).toFloatArray()),
                            "the stride belongs to the first convolution (and the projection), the second one has stride 1");
                }
            }
        }
        return r;
    }

    /** The library's block, its kernels set to the case's, run as in training (batch statistics). */
    private static float[] reference(NDManager m, NDArray x, NDArray w1, NDArray w2, NDArray ws, int stride) {
        int in = (int) x.getShape().get(1), out = (int) w1.getShape().get(0);
        Block block = ResNet.basicBlock(in, out, stride, true);
        block.initialize(m, DataType.FLOAT32, x.getShape());
        List<NDArray> kernels = new ArrayList<>(List.of(w1, w2));
        if (ws != null) {
            kernels.add(ws);
        }
        int next = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (p.getValue().getType() == Parameter.Type.WEIGHT && a.getShape().dimension() == 4) {
                a.set(FloatBuffer.wrap(kernels.get(next++).toFloatArray()));
            }
        }
        if (next != kernels.size()) {
            throw new IllegalStateException("ResNet.basicBlock has " + next + " convolution kernels, expected " + kernels.size());
        }
        return block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow().toFloatArray();
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        return a;
    }
}
