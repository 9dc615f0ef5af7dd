package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nnzoo.models.RecurrentNetworks;

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

/** The oneMKL vendor fix: applied (or explained) when the engine starts, and matrix products stay right. */
class NativeTuningTest {

    @Test
    void engineStartAppliesOrExplainsAndProductsStayCorrect() throws Exception {
        Engine.getInstance();
        String status = NativeTuning.status();
        assertFalse(status.contains("has not started"), "the engine provider should have run NativeTuning: " + status);
        assertFalse(status.startsWith("not applied:"), "the fix failed: " + status);
        String vendor = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("vendor_id")).findFirst().orElse("");
        if (vendor.contains("AuthenticAMD")) {
            assertTrue(status.startsWith("oneMKL vendor check patched"), status);
        }
        // a GEMM large enough for oneMKL's blocked kernels, against a double-precision loop
        int m = 67, k = 301, n = 129;
        SplittableRandom rnd = new SplittableRandom(4);
        float[] a = new float[m * k];
        float[] b = new float[k * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        try (NDManager mgr = NDManager.newBaseManager()) {
            float[] c = mgr.create(a, new Shape(m, k)).matMul(mgr.create(b, new Shape(k, n))).toFloatArray();
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        s += (double) a[i * k + t] * b[t * n + j];
                    }
                    assertEquals(s, c[i * n + j], 1e-4, "C[" + i + "][" + j + "]");
                }
            }
        }
        assertFalse(NativeTuning.apply().startsWith("not applied:"), "a second apply() must be harmless");
    }

    /**
     * Tensor memory is reused between batches: LeNet training steps (batch 128) on a worker thread, as in the
     * notebooks' kernel, fault in far fewer fresh pages than their activations and gradients occupy (about 1,900
     * pages a step with glibc's defaults, when every large buffer is mapped afresh).
     */
    @Test
    void tensorMemoryIsReusedOnWorkerThreads() throws Exception {
        Engine.getInstance();
        String status = NativeTuning.status();
        boolean tuned = status.contains("malloc: mmap threshold");
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        if (linux && System.getenv("NNZOO_MALLOC_TUNE") == null && System.getenv("GLIBC_TUNABLES") == null
                && System.getenv("MALLOC_MMAP_THRESHOLD_") == null && System.getenv("MALLOC_TRIM_THRESHOLD_") == null) {
            assertTrue(tuned, status);
        }
        if (!linux) {
            return;
        }
        int steps = 40;
        long[] faults = new long[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try (ai.djl.Model model = ai.djl.Model.newInstance("lenet")) {
                model.setBlock(org.nnzoo.models.LeNet.build());
                var config = new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(ai.djl.training.optimizer.Optimizer.sgd()
                                .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.01f)).build());
                try (ai.djl.training.Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(128, 1, 28, 28));
                    for (int step = 0; step < steps + 10; step++) {
                        if (step == 10) {
                            faults[0] = minorFaults();
                        }
                        try (NDManager batch = trainer.getManager().newSubManager();
                                ai.djl.training.GradientCollector gc = trainer.newGradientCollector()) {
                            var x = batch.randomUniform(0, 1, new Shape(128, 1, 28, 28));
                            var y = batch.randomInteger(0, 10, new Shape(128), ai.djl.ndarray.types.DataType.INT32);
                            var loss = trainer.getLoss().evaluate(new ai.djl.ndarray.NDList(y),
                                    trainer.forward(new ai.djl.ndarray.NDList(x)));
                            gc.backward(loss);
                            trainer.step();
                        }
                    }
                    faults[0] = minorFaults() - faults[0];
                }
            } catch (Throwable t) {
                failure[0] = t;
            }
        });
        worker.start();
        worker.join();
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
        System.out.printf("minor page faults per LeNet step on a worker thread: %.0f (%s)%n", faults[0] / (double) steps, status);
        if (tuned) {
            assertTrue(faults[0] < steps * 300L, "minor page faults per LeNet training step: " + faults[0] / steps
                    + " (about 1,900 a step means every large buffer was mapped afresh)");
        }
    }

    /** @return this process's minor page faults so far (field 10 of /proc/self/stat) */
    private static long minorFaults() throws java.io.IOException {
        String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[7]);
    }

    /**
     * The two LSTM implementations behind {@link NativeTuning#lstmKernel}: ATen's really runs without oneDNN
     * (PyTorch's profiler names the operators), both give the same outputs and gradients, the global flag is back on
     * afterwards, and a bad setting is refused by name.
     */
    @Test
    void lstmKernelsAgreeAndTheOneDnnFlagIsRestored(@TempDir java.nio.file.Path dir) throws Exception {
        Engine.getInstance();
        assertEquals(Boolean.TRUE, NativeTuning.oneDnnEnabled(), "PyTorch enables oneDNN by default");
        assertEquals(JniUtils.getNumThreads() == 1 ? NativeTuning.LstmKernel.ATEN : NativeTuning.LstmKernel.ONEDNN,
                NativeTuning.lstmKernelChoice());
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            Block lstm = RecurrentNetworks.recurrent(RecurrentNetworks.Kind.LSTM, 16, 2, false);
            lstm.initialize(m, DataType.FLOAT32, new Shape(4, 9, 5));
            NDArray x = m.randomNormal(new Shape(4, 9, 5));
            float[][] out = new float[2][];
            float[][] grad = new float[2][];
            String[] kernels = {"onednn", "aten"};
            for (int k = 0; k < 2; k++) {
                System.setProperty("nnzoo.lstm.kernel", kernels[k]);
                try {
                    assertEquals(k == 1 ? Boolean.FALSE : Boolean.TRUE, NativeTuning.lstmKernel(NativeTuning::oneDnnEnabled),
                            kernels[k] + ": oneDNN flag during the call");
                    java.nio.file.Path trace = dir.resolve(kernels[k] + ".json");
                    NDArray xi = x.duplicate();
                    xi.setRequiresGradient(true);
                    JniUtils.startProfile(false, false, false);
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray y = lstm.forward(new ParameterStore(m, false), new NDList(xi), true).head();
                        out[k] = y.toFloatArray();
                        gc.backward(y.square().sum());
                    }
                    grad[k] = xi.getGradient().toFloatArray();
                    JniUtils.stopProfile(trace.toString());
                    boolean oneDnnRan = java.nio.file.Files.readString(trace).contains("mkldnn_rnn_layer");
                    assertEquals(k == 0, oneDnnRan, kernels[k] + ": oneDNN's mkldnn_rnn_layer in the profile");
                    assertEquals(Boolean.TRUE, NativeTuning.oneDnnEnabled(), kernels[k] + ": oneDNN must be on again after the call");
                } finally {
                    System.clearProperty("nnzoo.lstm.kernel");
                }
            }
            assertEquals(out[0].length, out[1].length);
            for (int i = 0; i < out[0].length; i++) {
                assertEquals(out[0][i], out[1][i], 1e-5, "output " + i);
            }
            for (int i = 0; i < grad[0].length; i++) {
                assertEquals(grad[0][i], grad[1][i], 1e-4, "input gradient " + i);
            }
        }
        System.setProperty("nnzoo.lstm.kernel", "cudnn");
        try {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    NativeTuning::lstmKernelChoice);
            assertTrue(e.getMessage().contains("nnzoo.lstm.kernel") && e.getMessage().contains("cudnn"), e.getMessage());
        } finally {
            System.clearProperty("nnzoo.lstm.kernel");
        }
    }
}
