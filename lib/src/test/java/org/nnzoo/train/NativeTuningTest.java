package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    /** @return the first {@link MklVendorCheck#LENGTH} bytes of oneMKL's vendor check in the loaded libtorch */
    private static byte[] loadedVendorCheck() throws java.io.IOException {
        Engine.getInstance();
        String torch = NativeTuning.loadedLibrary("libtorch_cpu.so");
        assertTrue(torch != null, "libtorch_cpu.so is not loaded");
        com.sun.jna.Function f = com.sun.jna.NativeLibrary.getInstance(torch).getFunction(MklVendorCheck.SYMBOL);
        assertTrue(MklVendorCheck.readable(com.sun.jna.Pointer.nativeValue(f), MklVendorCheck.LENGTH));
        return f.getByteArray(0, MklVendorCheck.LENGTH);
    }

    /**
     * The pinned libtorch (pytorch-native-cpu 2.7.1 linux-x86_64) is the verified build: its vendor check's bytes hash to
     * the recorded value (patched on a non-Intel CPU, where the engine start has written the patch), and any other bytes
     * (one byte changed, a shorter read) are unknown, so the fix refuses them.
     */
    @Test
    void theLoadedLibtorchIsTheVerifiedBuildAndOtherBytesAreNot() throws Exception {
        byte[] code = loadedVendorCheck();
        System.out.println(MklVendorCheck.SYMBOL + " sha256 " + MklVendorCheck.sha256(code) + " (" + NativeTuning.status() + ")");
        boolean patched = NativeTuning.status().startsWith("oneMKL vendor check patched");
        assertEquals(patched ? MklVendorCheck.Code.PATCHED : MklVendorCheck.Code.ORIGINAL, MklVendorCheck.identify(code));
        byte[] original = code.clone();
        if (patched) { // a verified build's bytes are known: only the patch's six differ
            System.arraycopy(new byte[] {(byte) 0x8b, 0x05, (byte) 0xba, (byte) 0xb4, (byte) 0x82, 0x09}, 0, original, 0, 6);
        }
        assertEquals(MklVendorCheck.Code.ORIGINAL, MklVendorCheck.identify(original));
        byte[] withPatch = original.clone();
        System.arraycopy(MklVendorCheck.PATCH, 0, withPatch, 0, MklVendorCheck.PATCH.length);
        assertEquals(MklVendorCheck.Code.PATCHED, MklVendorCheck.identify(withPatch));
        for (int i : new int[] {0, 7, 50, MklVendorCheck.LENGTH - 1}) {
            byte[] other = original.clone();
            other[i] ^= 1;
            assertEquals(MklVendorCheck.Code.UNKNOWN, MklVendorCheck.identify(other), "one bit changed at byte " + i);
        }
        assertEquals(MklVendorCheck.Code.UNKNOWN, MklVendorCheck.identify(java.util.Arrays.copyOf(original, 64)));
    }

    /** Anonymous memory for a copy of the vendor check's code: mmap and munmap. */
    interface Mmap extends com.sun.jna.Library {
        com.sun.jna.Pointer mmap(com.sun.jna.Pointer addr, long length, int prot, int flags, int fd, long offset);

        int munmap(com.sun.jna.Pointer addr, long length);
    }

    /**
     * The patch itself, on an Intel machine too: on a copy of the real function in a page of its own, it writes
     * {@code mov eax, 1; ret} over verified code (and the copy then answers 1), says so once, and leaves unknown code
     * untouched with a refusal that the engine-start line shows.
     */
    @Test
    void thePatchWritesOverVerifiedCodeOnlyAndSaysSo() throws Exception {
        byte[] code = loadedVendorCheck();
        if (MklVendorCheck.identify(code) == MklVendorCheck.Code.PATCHED) {
            System.arraycopy(new byte[] {(byte) 0x8b, 0x05, (byte) 0xba, (byte) 0xb4, (byte) 0x82, 0x09}, 0, code, 0, 6);
        }
        Mmap libc = com.sun.jna.Native.load("c", Mmap.class);
        long page = 4096;
        final int read = 1;
        final int write = 2;
        final int privateAnonymous = 0x02 | 0x20;
        for (boolean known : new boolean[] {true, false}) {
            com.sun.jna.Pointer p = libc.mmap(null, page, read | write, privateAnonymous, -1, 0);
            assertTrue(com.sun.jna.Pointer.nativeValue(p) != -1L, "mmap failed");
            try {
                byte[] copy = code.clone();
                if (!known) {
                    copy[40] ^= 1;
                }
                p.write(100, copy, 0, copy.length); // not at the page start: the patch must find the page
                com.sun.jna.Pointer function = p.share(100);
                NativeTuning.Outcome outcome = MklVendorCheck.patch(function, "TestVendor");
                byte[] after = function.getByteArray(0, MklVendorCheck.LENGTH);
                if (known) {
                    assertEquals("oneMKL vendor check patched (TestVendor)", outcome.status());
                    assertTrue(outcome.notice().contains("NNZOO_MKL_VENDOR_FIX=0"), outcome.notice());
                    assertEquals(MklVendorCheck.Code.PATCHED, MklVendorCheck.identify(after));
                    assertEquals(1, com.sun.jna.Function.getFunction(function).invokeInt(new Object[0]));
                    NativeTuning.Outcome again = MklVendorCheck.patch(function, "TestVendor");
                    assertTrue(again.status().startsWith("oneMKL vendor check patched") && again.notice() == null, again.toString());
                } else {
                    assertArrayEquals(copy, after, "unknown code must stay as it was");
                    assertTrue(outcome.status().startsWith("refused: unknown build"), outcome.status());
                    assertTrue(outcome.notice().contains("NOT patched"), outcome.notice());
                }
            } finally {
                libc.munmap(p, page);
            }
        }
    }

    /** Runs a JVM (one PyTorch thread) that starts the engine with these settings; returns its standard output. */
    private static String childJvm(java.util.Map<String, String> env, String... properties) throws Exception {
        java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("-Dai.djl.pytorch.num_threads=1"));
        options.addAll(java.util.List.of(properties));
        return EngineChildJvm.run(env, options, EngineStart.class);
    }

    /** What the child JVMs run: start the engine twice, apply and announce again, one matrix product. */
    static final class EngineStart {
        public static void main(String[] args) {
            Engine.getInstance();
            Engine.getInstance();
            NativeTuning.apply();
            NativeTuning.announce();
            try (NDManager m = NDManager.newBaseManager()) {
                float[] c = m.ones(new Shape(64, 300)).matMul(m.ones(new Shape(300, 64))).toFloatArray();
                System.out.println("product " + c[0] + " " + c[c.length - 1]);
            }
            System.out.println("status " + NativeTuning.status());
            for (int i = 0; i < 2; i++) { // one intra-op thread: ATen's LSTM unless NNZOO_LSTM_KERNEL says otherwise
                NativeTuning.lstmKernel(true, () -> 0);
            }
        }
    }

    /**
     * The engine start in a fresh JVM, with the vendor fix forced (so the real libtorch is patched on an Intel CPU too,
     * where oneMKL's answer does not change): ONE line says what changed and how to turn it off, however often the
     * engine is asked for, and one more line at the first LSTM call that runs ATen's kernel; with the tunings off, no
     * line.
     */
    @Test
    void theEngineStartSaysOnceWhatItChangedAndNothingWhenOff() throws Exception {
        // the reproducible mode off, LSTMs in ATen as set: the LSTM line comes once, apart from the engine's line
        String forced = childJvm(java.util.Map.of("NNZOO_REPRODUCIBLE", "0", "NNZOO_LSTM_KERNEL", "aten"),
                "-Dnnzoo.mkl.vendorFix=force");
        java.util.List<String> notices = forced.lines()
                .filter(l -> l.startsWith("[nnzoo] native tuning") && !l.contains("LSTM")).toList();
        assertEquals(1, notices.size(), forced);
        assertTrue(notices.get(0).contains("mkl_serv_intel_cpu_true") && notices.get(0).contains("NNZOO_MKL_VENDOR_FIX=0")
                && notices.get(0).contains("NNZOO_MALLOC_TUNE=0") && notices.get(0).contains("NNZOO_FLUSH_DENORMALS=0"), notices.get(0));
        assertTrue(forced.startsWith("[nnzoo] native tuning"), "the line comes first: " + forced);
        assertTrue(forced.contains("product 300.0 300.0"), forced);
        assertTrue(forced.contains("status oneMKL vendor check patched ("), forced);
        assertEquals(1, forced.lines().filter(l -> l.startsWith("[nnzoo] native tuning") && l.contains("LSTM layers run ATen's"))
                .count(), forced);
        String off = childJvm(java.util.Map.of("NNZOO_MKL_VENDOR_FIX", "0", "NNZOO_MALLOC_TUNE", "0", "NNZOO_LSTM_KERNEL", "onednn",
                "NNZOO_REPRODUCIBLE", "0", "NNZOO_FLUSH_DENORMALS", "0"));
        assertFalse(off.contains("[nnzoo]"), off);
        assertTrue(off.contains("status off (") && off.contains("malloc: glibc defaults") && off.contains("denormals: off ("), off);
    }

    /**
     * Tensor memory is reused between batches: LeNet training steps (batch 128) on a worker thread, as in the
     * notebooks' kernel, fault in far fewer fresh pages than their activations and gradients occupy (about 1,900
     * pages a step with glibc's defaults, when every large buffer is mapped afresh). Run in a child JVM with glibc's
     * own arenas ({@code MALLOC_ARENA_MAX=0}), where the worker thread allocates from a secondary arena, as in a JVM
     * that the project's launchers did not start: that is where the {@code mallopt} thresholds matter.
     */
    @Test
    void tensorMemoryIsReusedOnWorkerThreads() throws Exception {
        if (!NativeTuning.linux()) {
            return;
        }
        String child = faultCount("lenet", "0", 40);
        double perStep = faultsPerStep(child);
        System.out.printf("minor page faults per LeNet step on a worker thread, glibc's arenas: %.0f%n%s", perStep, child);
        boolean userSet = System.getenv("NNZOO_MALLOC_TUNE") != null || System.getenv("GLIBC_TUNABLES") != null
                || System.getenv("MALLOC_MMAP_THRESHOLD_") != null || System.getenv("MALLOC_TRIM_THRESHOLD_") != null;
        if (!userSet) {
            assertTrue(child.contains("malloc: mmap threshold"), child);
            assertTrue(child.contains("glibc's arenas"), child);
            assertTrue(perStep < 300, "minor page faults per LeNet training step: " + perStep
                    + " (about 1,900 a step means every large buffer was mapped afresh)");
        }
    }

    /**
     * With one malloc arena ({@code MALLOC_ARENA_MAX=1}, as the kernel, the tests and {@code bench.sh} start the JVM)
     * a network whose feature maps are tens of megabytes reuses them too: chapter 4's compact ResNet at batch 128
     * (12.8 MB a map) on a worker thread, in child JVMs. Measured on an AMD EPYC (Zen 4), 11 runs of this test: with
     * glibc's arenas either 12-76 minor faults a step or thousands (1,843-10,203 in 6 runs), when the step's memory
     * crosses a secondary arena's 64 MiB heap and glibc unmaps the heap each time it empties (printed here, not
     * asserted: it is glibc's behaviour); with one arena 9-531. Also how the setting is read.
     */
    @Test
    void oneMallocArenaKeepsLargeFeatureMapsMapped() throws Exception {
        assertTrue(NativeTuning.oneMallocArena("1", null));
        assertTrue(NativeTuning.oneMallocArena(null, "glibc.malloc.check=0:glibc.malloc.arena_max=1"));
        assertFalse(NativeTuning.oneMallocArena("1", "glibc.malloc.arena_max=8"), "the tunable wins over the variable");
        assertFalse(NativeTuning.oneMallocArena("8", null));
        assertFalse(NativeTuning.oneMallocArena("0", null));
        assertFalse(NativeTuning.oneMallocArena(null, null));
        if (!NativeTuning.linux()) {
            return;
        }
        String one = faultCount("resnet", "1", 20);
        String glibcs = faultCount("resnet", "0", 20);
        System.out.printf("minor page faults per compact-ResNet step on a worker thread: one arena %.0f, "
                + "glibc's arenas %.0f%n%s%s", faultsPerStep(one), faultsPerStep(glibcs), one, glibcs);
        assertTrue(glibcs.contains("glibc's arenas"), glibcs);
        if (one.contains("malloc: mmap threshold")) {
            assertTrue(one.contains(", one arena ("), one);
            assertTrue(faultsPerStep(one) < 1000, "minor page faults per ResNet training step with one malloc arena: "
                    + faultsPerStep(one) + " (thousands a step means the feature maps were mapped afresh)\n" + one);
        }
    }

    /** Runs {@link FaultCount} in a child JVM with this {@code MALLOC_ARENA_MAX} and returns its output. */
    private static String faultCount(String network, String arenaMax, int steps) throws Exception {
        return EngineChildJvm.run(java.util.Map.of("MALLOC_ARENA_MAX", arenaMax, "NNZOO_REPRODUCIBLE", "0"),
                // the kernel's heap sizing: a young generation that grows while the steps are counted faults in pages too
                java.util.List.of("-Xmx1g", "-Xmn64m", "-Dai.djl.pytorch.num_threads=2", "-Dnnzoo.test.network=" + network,
                        "-Dnnzoo.test.steps=" + steps), FaultCount.class);
    }

    private static double faultsPerStep(String childOutput) {
        return childOutput.lines().filter(l -> l.startsWith("faults-per-step "))
                .mapToDouble(l -> Double.parseDouble(l.substring(16))).findFirst()
                .orElseThrow(() -> new AssertionError("no faults-per-step line: " + childOutput));
    }

    /** What the fault-counting child JVMs run: {@link #faultsPerTrainingStep} of LeNet or the compact ResNet. */
    static final class FaultCount {
        public static void main(String[] args) throws Exception {
            Block block = "resnet".equals(System.getProperty("nnzoo.test.network"))
                    ? org.nnzoo.models.ResNet.compact(32, 10) : org.nnzoo.models.LeNet.build();
            Engine.getInstance();
            int steps = Integer.getInteger("nnzoo.test.steps", 20);
            System.out.println("faults-per-step " + faultsPerTrainingStep(block, 128, steps));
            System.out.println("status " + NativeTuning.status());
        }
    }

    /**
     * Trains {@code block} on random 28x28 images (batch {@code batch}, SGD) on a new thread, as the kernel runs a cell,
     * and counts the process's minor page faults over {@code steps} steps after 10 warm-up steps.
     */
    private static double faultsPerTrainingStep(Block block, int batch, int steps) throws Exception {
        long[] faults = new long[1];
        Throwable[] failure = new Throwable[1];
        Thread worker = new Thread(() -> {
            try (ai.djl.Model model = ai.djl.Model.newInstance("faults")) {
                model.setBlock(block);
                var config = new ai.djl.training.DefaultTrainingConfig(ai.djl.training.loss.Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(ai.djl.training.optimizer.Optimizer.sgd()
                                .setLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.01f)).build());
                try (ai.djl.training.Trainer trainer = model.newTrainer(config)) {
                    trainer.initialize(new Shape(batch, 1, 28, 28));
                    for (int step = 0; step < steps + 10; step++) {
                        if (step == 10) {
                            faults[0] = minorFaults();
                        }
                        try (NDManager stepManager = trainer.getManager().newSubManager();
                                ai.djl.training.GradientCollector gc = trainer.newGradientCollector()) {
                            var x = stepManager.randomUniform(0, 1, new Shape(batch, 1, 28, 28));
                            var y = stepManager.randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT32);
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
        return faults[0] / (double) steps;
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
        boolean intelAvx512 = "avx512".equals(Reproducible.cpuIsa()) && "GenuineIntel".equals(Reproducible.cpuInfo("vendor_id"));
        for (int threads : new int[] {1, 2, 4}) {
            for (boolean training : new boolean[] {true, false}) {
                // the mode: oneDNN only to train on 2+ threads, whatever the CPU; outside it, ATen on one thread but on
                // Intel's AVX-512 CPUs
                NativeTuning.LstmKernel want = Reproducible.isOn()
                        ? (training && threads >= 2 ? NativeTuning.LstmKernel.ONEDNN : NativeTuning.LstmKernel.ATEN)
                        : (threads == 1 && !intelAvx512 ? NativeTuning.LstmKernel.ATEN : NativeTuning.LstmKernel.ONEDNN);
                assertEquals(want, NativeTuning.lstmKernelChoice(threads, training), threads + " threads, training " + training);
            }
        }
        assertEquals(NativeTuning.lstmKernelChoice(JniUtils.getNumThreads(), true), NativeTuning.lstmKernelChoice());
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
                    assertEquals(k == 1 ? Boolean.FALSE : Boolean.TRUE, NativeTuning.lstmKernel(true, NativeTuning::oneDnnEnabled),
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
