package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageShape;
import org.nnzoo.models.ConvAutoencoder;
import org.nnzoo.models.Gan;
import org.nnzoo.models.LeNet;
import org.nnzoo.models.PointerNetwork;
import org.nnzoo.models.RecurrentNetworks;
import org.nnzoo.models.ResNet;
import org.nnzoo.models.UNet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/**
 * Which oneDNN kernels the reproducible mode runs. oneDNN names each kernel it executes when {@code ONEDNN_VERBOSE=1};
 * a fresh JVM runs a training step (forward and backward) and an evaluation forward of every convolutional model of
 * the chapters, at the chapters' batch sizes, and the test accepts only the kernels whose order of additions was
 * checked in oneDNN's source (v3.7.1) to depend on nothing but the instruction set, the thread count and the shape:
 * {@code jit:avx2} and {@code jit_1x1:avx2} convolutions (forward, input gradient, weight gradient), the reference
 * RNN's training forward and backward ({@code rnn ref}: oneDNN's LSTM training the pointer network on two threads) and
 * data reorders. Not accepted, among others: {@code brgconv_strided} (its blocking reads the cache sizes; what
 * {@link org.nnzoo.models.StridedConv2d} avoids by training strided convolutions with im2col, so this test fails if
 * one of them trains through oneDNN in the mode), any {@code brg*} kernel (the brgemm LSTM of oneDNN's inference
 * forward among them: evaluation runs ATen's LSTM), the {@code gemm:jit} forward convolution (its blocking reads the L2
 * size), and oneDNN pooling or batch norm primitives; and no oneDNN primitive at all while an LSTM trains on one thread.
 * Without the mode, the same steps do run {@code brgconv_strided} and the brgemm LSTM: the test checks that too, so
 * that it cannot pass by seeing nothing.
 */
class ReproducibleKernelsTest {

    private static final Set<String> AUDITED = Set.of("convolution jit:avx2 forward_training",
            "convolution jit:avx2 backward_data", "convolution jit:avx2 backward_weights",
            "convolution jit_1x1:avx2 forward_training", "convolution jit_1x1:avx2 backward_data",
            "convolution jit_1x1:avx2 backward_weights", "rnn ref forward_training", "rnn ref backward");

    /** What the child JVM runs: one training step and one evaluation forward of each convolutional model. */
    static final class ConvSteps {
        public static void main(String[] args) {
            Engine.getInstance().setRandomSeed(3);
            ImageShape mnist = ImageShape.MNIST;
            Map<String, Block> nets = new LinkedHashMap<>();
            nets.put("lenet", LeNet.build());
            nets.put("resnet", ResNet.compact(32, 10));
            nets.put("autoencoder", new ConvAutoencoder(mnist, 16).block());
            nets.put("dcgan-d", Gan.dcganDiscriminator(16));
            nets.put("dcgan-g", Gan.dcganGenerator(mnist, 64, 16));
            nets.put("unet", new UNet(mnist, 32, 2, 10));
            for (Map.Entry<String, Block> e : nets.entrySet()) {
                try (NDManager m = NDManager.newBaseManager()) {
                    int n = e.getKey().startsWith("dcgan") || e.getKey().equals("unet") ? 64 : 128;
                    NDList in = inputs(e.getKey(), m, n);
                    Block net = e.getValue();
                    net.initialize(m, DataType.FLOAT32, in.getShapes());
                    ParameterStore ps = new ParameterStore(m, false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        gc.backward(net.forward(ps, in, true).head().square().sum());
                    }
                    net.forward(ps, inputs(e.getKey(), m, e.getKey().equals("unet") ? 250 : 1000), false).head().sum().getFloat();
                }
                System.out.println("done " + e.getKey());
            }
            lstmSteps();
        }

        /**
         * The LSTMs: the pointer network (chapter 15) trains on the mode's two threads and evaluates; a character
         * language model with LSTM layers (chapter 7) trains on one thread, as {@code Fit} caps it.
         */
        private static void lstmSteps() {
            try (NDManager m = NDManager.newBaseManager()) {
                PointerNetwork net = new PointerNetwork(128);
                NDArray x = m.randomUniform(0, 1, new Shape(128, 10));
                NDArray d = m.randomUniform(0, 1, new Shape(128, 10));
                net.initialize(m, DataType.FLOAT32, x.getShape(), d.getShape());
                ParameterStore ps = new ParameterStore(m, false);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(net.forward(ps, new NDList(x, d), true).head().square().sum());
                }
                net.forward(ps, new NDList(x, d), false).head().sum().getFloat();
            }
            System.out.println("done pointer");
            int threads = JniUtils.getNumThreads();
            JniUtils.setNumThreads(1);
            try (NDManager m = NDManager.newBaseManager()) {
                Block lm = RecurrentNetworks.charLm(RecurrentNetworks.Kind.LSTM, 40, 64, 2, false);
                NDArray tokens = m.randomInteger(0, 40, new Shape(32, 35), DataType.INT32).toType(DataType.FLOAT32, false);
                lm.initialize(m, DataType.FLOAT32, tokens.getShape());
                ParameterStore ps = new ParameterStore(m, false);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(lm.forward(ps, new NDList(tokens), true).head().square().sum());
                }
            } finally {
                JniUtils.setNumThreads(threads);
            }
            System.out.println("done lstm-lm");
        }

        private static NDList inputs(String net, NDManager m, int n) {
            if (net.equals("dcgan-g")) {
                return new NDList(m.randomNormal(new Shape(n, 64)));
            }
            NDArray x = m.randomUniform(0, 1, new Shape(n, 1, 28, 28));
            return net.equals("unet") ? new NDList(x, m.randomInteger(0, 1000, new Shape(n), DataType.INT32).toType(DataType.FLOAT32, false),
                    m.randomInteger(0, 11, new Shape(n), DataType.INT32).toType(DataType.FLOAT32, false)) : new NDList(x);
        }
    }

    /** @return "primitive implementation propagation" of every oneDNN execution the child printed */
    private static Set<String> kernels(String out) {
        Set<String> seen = new TreeSet<>();
        for (String line : out.lines().toList()) {
            String[] f = line.split(",");
            if (f.length > 7 && f[0].equals("onednn_verbose") && f[2].equals("primitive") && f[3].equals("exec")) {
                seen.add(f[5] + " " + f[6] + " " + f[7]);
            }
        }
        return seen;
    }

    @Test
    void inTheModeOneDnnRunsOnlyTheAuditedKernels() throws Exception {
        String on = EngineChildJvm.run(Map.of("ONEDNN_VERBOSE", "1"), List.of(), ConvSteps.class);
        assertEquals(8, on.lines().filter(l -> l.startsWith("done ")).count(), on);
        Set<String> seen = kernels(on);
        Set<String> other = new TreeSet<>();
        for (String k : seen) {
            if (!AUDITED.contains(k) && !k.startsWith("reorder ")) {
                other.add(k);
            }
        }
        assertTrue(other.isEmpty(), "oneDNN kernels outside the audited set in the reproducible mode: " + other);
        assertTrue(seen.containsAll(AUDITED), "expected every audited kernel to run, saw " + seen);
        String lm = on.substring(on.indexOf("done pointer"), on.indexOf("done lstm-lm"));
        assertTrue(kernels(lm).isEmpty(), "an LSTM trained on one thread should run ATen's kernel, not oneDNN's: " + kernels(lm));

        String off = EngineChildJvm.run(Map.of("ONEDNN_VERBOSE", "1", "NNZOO_REPRODUCIBLE", "0"), List.of(), ConvSteps.class);
        assertTrue(kernels(off).stream().anyMatch(k -> k.contains("brgconv_strided")),
                "without the mode the strided convolutions' input gradient should run brgconv_strided: " + kernels(off));
        assertTrue(kernels(off).stream().anyMatch(k -> k.startsWith("rnn brgemm") && k.endsWith("forward_inference")),
                "without the mode the pointer network's evaluation should run oneDNN's brgemm LSTM: " + kernels(off));
    }
}
