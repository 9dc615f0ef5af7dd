package org.nnzoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Changes to how the PyTorch natives that DJL ships run in this process, each measured, each announced and each
 * with a switch to turn it off. When the engine starts in a JVM where one of them changed something (or the vendor fix
 * refused to), {@link #announce()} prints ONE line saying what and how to turn it off, so the first notebook cell that
 * touches the engine shows it; {@link #status()} says what was done. Documented for users in the kernel section of
 * {@code environment/README.md}.
 *
 * <p>Besides these, {@link Denormals} flushes denormal floats to zero on the threads that train (its status is
 * part of {@link #status()}, its line part of the notice).
 *
 * <p>First, the oneMKL vendor fix ({@link MklVendorCheck}): oneMKL's fast matrix-multiply kernels on AMD processors.
 * DJL's PyTorch 2.7.1 CPU build links Intel oneMKL 2024 statically into {@code libtorch_cpu.so}. oneMKL picks its SGEMM
 * code path by CPU vendor: on a CPU that does not report "GenuineIntel" it runs a generic path, whatever AVX2/AVX-512
 * the CPU has. Measured on the project machine (AMD EPYC, AVX-512, one thread): a {@code 128x784 . 784x256} linear
 * layer took 530 us, against 245 us in Debian's PyTorch 1.13 with OpenBLAS; the same call takes 245 us after this fix.
 * oneMKL asks an exported function, {@code mkl_serv_intel_cpu_true}, and caches the answer at its first BLAS call; the
 * fix rewrites that function's first bytes to {@code mov eax, 1; ret} (after {@code mprotect}), which is the
 * well-known replacement for the removed {@code MKL_DEBUG_CPU_TYPE=5} switch, and only after checking the function's
 * bytes against a verified build (any other libtorch is refused, and the refusal announced). oneMKL still checks the
 * instruction-set bits itself. It runs only on Linux x86-64 with a non-Intel CPU. Turn it off with
 * {@code -Dnnzoo.mkl.vendorFix=false} or the environment variable {@code NNZOO_MKL_VENDOR_FIX=0}
 * ({@code -Dnnzoo.mkl.vendorFix=force} patches on an Intel CPU too, where it changes nothing but the code: for tests).
 * Results stay deterministic (same kernels every run); they can differ from the generic path in the last bits of
 * floating-point rounding.
 *
 * <p>Second, it keeps glibc's {@code malloc} from handing tensor memory back to the kernel after every batch.
 * DJL runs PyTorch from a Java thread, whose allocations come from one of glibc's secondary arenas (in a JVM started
 * without {@code MALLOC_ARENA_MAX=1}, below); there the
 * megabyte-sized activation and gradient buffers of each batch were unmapped when freed and mapped again (and
 * zero-filled page by page) in the next batch. Measured (LeNet, batch 128, 20,480 images x 3 epochs, one thread):
 * 984,541 minor page faults and 10,200 images/s with glibc's defaults, 81,099 and 15,900 images/s after
 * {@code mallopt(M_MMAP_THRESHOLD, 32 MiB)} and {@code mallopt(M_TRIM_THRESHOLD, 128 MiB)}, the same final loss and
 * about the same peak memory. Python's PyTorch runs from the main thread (the main arena), where glibc's dynamic
 * threshold already does this. Skipped when the user set {@code MALLOC_MMAP_THRESHOLD_},
 * {@code MALLOC_TRIM_THRESHOLD_} or {@code GLIBC_TUNABLES}; turn it off with {@code -Dnnzoo.malloc.tune=false} or
 * {@code NNZOO_MALLOC_TUNE=0}.
 * Even so, a secondary arena's heaps (64 MiB each, {@code mmap}ed) kept faulting in fresh pages for a network whose
 * buffers are tens of megabytes (the compact ResNet of chapter 4 at batch 128: 12.8 MB a feature map): one thread,
 * PyTorch's profiler, medians of 40 steps, its first convolution's backward 9.0 ms, its forward 3.5 ms and the first
 * batch norm's backward 9.4 ms, against 2.9, 2.5 and 8.9 ms on the Python side; with {@code MALLOC_ARENA_MAX=1} in the
 * environment, which gives every thread glibc's main arena as Python's main thread has, 3.0, 2.6 and 4.7 ms. glibc
 * reads it only at process start, so the launchers set it: the Jupyter kernel, the course server's kernel, the tests
 * and {@code bench.sh}; {@link #status()} says which arena this process has.
 *
 * <p>Third, {@link #lstmKernel(Supplier)} picks PyTorch's LSTM implementation for one forward call. PyTorch 2.x
 * runs {@code aten::lstm} on CPU through oneDNN ({@code mkldnn_rnn_layer}) whenever oneDNN is enabled; with one
 * intra-op thread that is much slower for training than ATen's own LSTM (a loop of matrix products and gate
 * operations, what PyTorch 1.13 runs): measured with {@code bench.sh --threads 1} (LSTM 128 on 28 MNIST rows, batch
 * 128, Adam), 5,508 samples/s through oneDNN against 9,074 through ATen, on an AMD EPYC (AVX2). On an Intel Xeon
 * with AVX-512 (Sapphire Rapids) oneDNN's AVX-512 LSTM is as fast or faster with one thread too (the benchmark's
 * LSTM about level; its pointer network 28.4 against 21.2 steps/s), so there oneDNN keeps it; on an AMD EPYC with
 * AVX-512 (Zen 4) ATen's is the faster again (the LSTM row 4,736-4,894 against 3,326-3,491 samples/s, the pointer
 * network within 3 %). With two threads oneDNN is ahead (5,610
 * against 4,717: ATen's loop has many small parallel regions, and waking the second OpenMP thread for each costs
 * more than it saves), so oneDNN keeps the call then. The reproducible mode ({@link Reproducible}) keeps oneDNN for
 * training calls on two or more threads only: that path (a reference RNN around oneDNN's JIT matrix products) orders
 * its sums by the instruction set, the thread count and the shapes alone, while its inference forward (brgemm) blocks
 * by the L2 cache size; every other call runs ATen's. The first call that switches oneDNN off prints one line (once per JVM;
 * in the mode its own line says it); {@code NNZOO_LSTM_KERNEL=onednn} keeps oneDNN.
 *
 * <p>Fourth, {@link #trainingThreads(Block)}: networks with recurrent layers (and blocks marked
 * {@link StepwiseRecurrence}, the spiking network) train on one PyTorch thread where waking the second for each of
 * their small operations costs more than it saves (measured there); {@link #evaluationThreads(Block)} applies the same
 * rule to predictions, held-out losses and sampling.
 */
public final class NativeTuning {

    private static volatile String status = "not applied (the PyTorch engine has not started)";
    private static volatile String notice;
    private static final AtomicBoolean ANNOUNCED = new AtomicBoolean();
    private static final AtomicBoolean LSTM_ANNOUNCED = new AtomicBoolean();
    private static final AtomicBoolean CAP_ANNOUNCED = new AtomicBoolean();
    private static volatile String capNote;

    private NativeTuning() {
    }

    /**
     * @return what {@link #apply()} did, e.g. {@code "oneMKL vendor check patched (AuthenticAMD); malloc: ..."}, and
     *     whether the latest {@link #trainingThreads} call lowered the thread count
     */
    public static String status() {
        String cap = capNote;
        return cap == null ? status : status + "; " + cap;
    }

    /** glibc's {@code mallopt} parameter: requests at least this large are served by {@code mmap}. */
    static final int M_MMAP_THRESHOLD = -3;
    /** glibc's {@code mallopt} parameter: free memory at the top of a heap above this is given back. */
    static final int M_TRIM_THRESHOLD = -1;
    /** Allocations below this come from the heap and are reused (glibc's dynamic threshold stops at 32 MiB). */
    static final int MMAP_THRESHOLD_BYTES = 32 << 20;
    /** Free heap memory kept for reuse before glibc trims it. */
    static final int TRIM_THRESHOLD_BYTES = 128 << 20;

    /** libc, loaded once, on first use (the vendor fix, the malloc thresholds and {@link Reproducible} call it). */
    private static final class LibcHolder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /** Interface to a few libc functions. */
    interface LibC extends Library {

        int mprotect(Pointer addr, long len, int prot);

        int getpagesize();

        int mallopt(int param, int value);

        String getenv(String name);

        int setenv(String name, String value, int overwrite);
    }

    /**
     * What one tuning did: the text for {@link #status()}, and the phrase for the engine-start line where it changed
     * something or refused to (null otherwise).
     */
    record Outcome(String status, String notice) {

        /** A tuning that changed something, or refused to: the engine-start line says so. */
        static Outcome announced(String status, String notice) {
            return new Outcome(status, notice);
        }

        /** A tuning that applies here but could not be made (the engine runs as DJL ships it): the line says so. */
        static Outcome failed(String what, String why) {
            return new Outcome("not applied: " + why, what + " NOT changed: " + why);
        }

        static Outcome unchanged(String status) {
            return new Outcome(status, null);
        }
    }

    /**
     * Applies the tunings that apply here; never throws (a failure only leaves the slower path, and is reported in
     * {@link #status()}). Call it after {@code libtorch_cpu.so} is loaded and before the first matrix product.
     *
     * @return the new {@link #status()}
     */
    public static synchronized String apply() {
        Outcome mkl;
        try {
            String setting = System.getProperty("nnzoo.mkl.vendorFix", "");
            if ("false".equalsIgnoreCase(setting) || "0".equals(System.getenv("NNZOO_MKL_VENDOR_FIX"))) {
                mkl = Outcome.unchanged("off (nnzoo.mkl.vendorFix=false or NNZOO_MKL_VENDOR_FIX=0)");
            } else {
                mkl = MklVendorCheck.applyHere("force".equalsIgnoreCase(setting));
            }
        } catch (Throwable t) { // NOPMD: a speed fix must never break the engine
            mkl = Outcome.failed("oneMKL vendor check", t.toString());
        }
        boolean oneArena = linux() && oneMallocArena(System.getenv("MALLOC_ARENA_MAX"), System.getenv("GLIBC_TUNABLES"));
        Outcome malloc;
        try {
            malloc = tuneMalloc(oneArena);
        } catch (Throwable t) { // NOPMD: likewise
            malloc = Outcome.failed("malloc thresholds", t.toString());
        }
        String denormals = Denormals.status();
        String arenas = !linux() ? "" : oneArena ? ", one arena (MALLOC_ARENA_MAX=1 or glibc.malloc.arena_max=1)"
                : ", glibc's arenas (MALLOC_ARENA_MAX=1 before the JVM starts gives every thread the main arena: "
                        + "environment/README.md)";
        status = mkl.status() + "; malloc: " + malloc.status() + arenas + "; denormals: " + denormals;
        String flush = denormals.startsWith("on") ? "denormal floats flushed to zero on the training threads, as "
                + "torch.set_flush_denormal(True) does (off: NNZOO_FLUSH_DENORMALS=0)" : null;
        String notices = java.util.stream.Stream.of(malloc.notice(), mkl.notice(), flush)
                .filter(java.util.Objects::nonNull).collect(java.util.stream.Collectors.joining("; "));
        notice = notices.isEmpty() ? null : "[nnzoo] native tuning (environment/README.md): " + notices;
        return status;
    }

    /**
     * @return the one line that says what {@link #apply()} changed in this process and how to turn it off, or what it
     *     refused to change; null where it changed nothing
     */
    public static String notice() {
        return notice;
    }

    /** Prints {@link #notice()} on standard output, the first time it is called in this JVM with a notice. */
    static void announce() {
        String line = notice;
        if (line != null && ANNOUNCED.compareAndSet(false, true)) {
            System.out.println(line);
        }
    }

    /**
     * Whether glibc gives every thread the main arena: {@code MALLOC_ARENA_MAX=1}, or the same tunable in
     * {@code GLIBC_TUNABLES} (which decides when it names one). glibc reads them when the process starts, so only the
     * JVM's launcher can set them (the kernel, the course server, the tests and {@code bench.sh} do; see the class
     * comment).
     */
    static boolean oneMallocArena(String arenaMax, String tunables) {
        if (tunables != null) {
            for (String t : tunables.split(":")) {
                if (t.trim().startsWith("glibc.malloc.arena_max=")) { // the tunable wins over the variable
                    return t.trim().equals("glibc.malloc.arena_max=1");
                }
            }
        }
        return arenaMax != null && arenaMax.trim().equals("1");
    }

    /** @return whether this JVM runs on Linux (glibc's {@code malloc}, the tunings that need it) */
    static boolean linux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /**
     * Sets glibc's mmap and trim thresholds (see the class comment); never throws.
     *
     * @param oneArena whether the launcher gave every thread the main arena ({@link #oneMallocArena}): the start line
     *     then says so too
     * @return what it did
     */
    static Outcome tuneMalloc(boolean oneArena) {
        if ("false".equalsIgnoreCase(System.getProperty("nnzoo.malloc.tune"))
                || "0".equals(System.getenv("NNZOO_MALLOC_TUNE"))) {
            return Outcome.unchanged("glibc defaults (nnzoo.malloc.tune=false or NNZOO_MALLOC_TUNE=0)");
        }
        for (String v : new String[] {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"}) {
            if (System.getenv(v) != null) {
                return Outcome.unchanged("left as set by " + v);
            }
        }
        if (!linux()) {
            return Outcome.unchanged("not needed (not Linux)");
        }
        LibC libc = libc();
        if (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) != 1
                || libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) != 1) {
            return Outcome.failed("malloc thresholds", "mallopt refused (not glibc?)");
        }
        int mmap = MMAP_THRESHOLD_BYTES >> 20;
        int trim = TRIM_THRESHOLD_BYTES >> 20;
        return Outcome.announced("mmap threshold " + mmap + " MiB, trim threshold " + trim + " MiB",
                "glibc malloc keeps freed tensor memory for the next batch (mmap threshold " + mmap + " MiB, trim threshold "
                        + trim + " MiB; off: NNZOO_MALLOC_TUNE=0)" + (oneArena ? "; one malloc arena for every thread, as "
                        + "Python's main thread has (MALLOC_ARENA_MAX=1; off: MALLOC_ARENA_MAX=0 when the kernel is installed)"
                        : ""));
    }

    /**
     * Whether the CPU is an Intel one with AVX-512, where oneDNN's LSTM was measured as fast as ATen's or faster with one
     * thread too (see the class comment); on an AMD EPYC with AVX-512 (Zen 4) ATen's was the faster.
     */
    private static final boolean INTEL_AVX512 = "avx512".equals(Reproducible.cpuIsa()) && "GenuineIntel".equals(cpuVendorOrNull());

    private static String cpuVendorOrNull() {
        try {
            return MklVendorCheck.cpuVendor();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** PyTorch's LSTM implementations that {@link #lstmKernel(Supplier)} chooses between. */
    public enum LstmKernel {
        /** ATen's loop of matrix products and gate operations (oneDNN switched off for the call). */
        ATEN,
        /** oneDNN's fused LSTM ({@code mkldnn_rnn_layer}), PyTorch's default on CPU. */
        ONEDNN
    }

    /**
     * @return the LSTM implementation for the current settings: {@code -Dnnzoo.lstm.kernel} or the environment
     *     variable {@code NNZOO_LSTM_KERNEL} ({@code aten}, {@code onednn} or {@code auto}), for a training call on
     *     the current intra-op threads; {@code auto} (the default) means, in the reproducible mode ({@link Reproducible}),
     *     oneDNN for a training call on two or more threads and ATen for any other call (a choice that reads nothing
     *     of the CPU; oneDNN's inference forward, which does, never runs), and outside it ATen with one intra-op
     *     thread on any CPU but an Intel one with AVX-512, else oneDNN
     */
    public static LstmKernel lstmKernelChoice() {
        return lstmKernelChoice(JniUtils.getNumThreads(), true);
    }

    /**
     * @param threads the intra-op threads the call runs on
     * @param training whether the call trains (PyTorch's {@code train} argument: oneDNN's training forward and
     *     backward), else it only evaluates (oneDNN's inference forward)
     * @return the LSTM implementation {@link #lstmKernel(boolean, Supplier)} picks for such a call
     */
    static LstmKernel lstmKernelChoice(int threads, boolean training) {
        String v = lstmSetting();
        if (v == null) {
            if (Reproducible.isOn()) { // a choice that reads nothing of the CPU; see Reproducible
                return training && threads >= 2 ? LstmKernel.ONEDNN : LstmKernel.ATEN;
            }
            return threads == 1 && !INTEL_AVX512 ? LstmKernel.ATEN : LstmKernel.ONEDNN;
        }
        try {
            return LstmKernel.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nnzoo.lstm.kernel / NNZOO_LSTM_KERNEL must be aten, onednn or auto, got '" + v + "'", e);
        }
    }

    /** @return {@code nnzoo.lstm.kernel} or {@code NNZOO_LSTM_KERNEL}; null where unset, blank or {@code auto} */
    private static String lstmSetting() {
        String v = setting("nnzoo.lstm.kernel", "NNZOO_LSTM_KERNEL");
        return v == null || v.equalsIgnoreCase("auto") ? null : v;
    }

    /** @return the system property, else the environment variable; null where neither is set, or the value is blank */
    private static String setting(String property, String env) {
        String v = System.getProperty(property, System.getenv(env));
        return v == null || v.isBlank() ? null : v;
    }

    /**
     * Runs one LSTM forward call ({@code aten::lstm} and the backward it records) with the implementation that
     * {@link #lstmKernelChoice(int, boolean)} picks for it: for {@link LstmKernel#ATEN} it switches PyTorch's global oneDNN flag
     * ({@code at::globalContext().setUserEnabledMkldnn}, what {@code torch.backends.mkldnn.flags(enabled=False)}
     * does in Python) off for the call and back on after it. The flag is process-wide: do not run convolutions on
     * another thread at the same time. Where the flag cannot be reached it just runs the call.
     *
     * @param training the {@code training} flag the call passes on (oneDNN trains and evaluates by different code)
     * @param forward the call
     * @return what the call returns
     */
    public static <T> T lstmKernel(boolean training, Supplier<T> forward) {
        if (lstmKernelChoice(JniUtils.getNumThreads(), training) != LstmKernel.ATEN) {
            return forward.get();
        }
        OneDnnFlag flag = OneDnnFlag.get();
        if (flag == null || !flag.enabled()) {
            return forward.get();
        }
        if (!Reproducible.isOn() && LSTM_ANNOUNCED.compareAndSet(false, true)) { // the mode's own line says it
            boolean auto = lstmSetting() == null;
            System.out.println("[nnzoo] native tuning (environment/README.md): LSTM layers run ATen's kernel instead of"
                    + " oneDNN's (" + (auto ? "faster with one intra-op thread; " : "as set; ")
                    + "keep oneDNN: NNZOO_LSTM_KERNEL=onednn)");
        }
        flag.set(false);
        try {
            return forward.get();
        } finally {
            flag.set(true);
        }
    }

    /**
     * The PyTorch intra-op threads a training loop's steps (or an evaluation) run on, set by {@link #trainingThreads(Block)}
     * (or {@link #evaluationThreads(Block)}) and given back by {@link #close()}, both on the same thread. The count is that thread's OpenMP setting and also ATen's
     * process default, which a thread making its first PyTorch call meanwhile copies: start no other PyTorch work
     * while a cap is open.
     */
    public static final class ThreadCap implements AutoCloseable {
        private final int previous;
        private final int threads;

        private ThreadCap(int previous, int threads) {
            this.previous = previous;
            this.threads = threads;
        }

        /** @return whether the steps run on fewer threads than the process was set to */
        public boolean capped() {
            return threads < previous;
        }

        /** Sets the thread count back to what it was. */
        @Override
        public void close() {
            if (capped()) {
                JniUtils.setNumThreads(previous);
            }
        }
    }

    /**
     * Fourth: the threads to train {@code block} on. A network with a recurrent layer (DJL's {@code RNN}, {@code GRU} or
     * {@code LSTM}, any {@link ai.djl.nn.recurrent.RecurrentBlock}, or a block marked {@link StepwiseRecurrence}) trains on one PyTorch thread when OpenMP's threads
     * wait passively ({@code OMP_WAIT_POLICY=PASSIVE}, what the notebooks' kernel, the course server, the tests and
     * {@code bench.sh} set) and its recurrences run ATen's loops (always in the reproducible mode; outside it everywhere
     * but for an LSTM on Intel CPUs with AVX-512, where it runs oneDNN's kernel, or where {@code NNZOO_LSTM_KERNEL}
     * asks for oneDNN). Such a loop makes about a hundred operator calls per time step (forward and backward), each an
     * OpenMP region where it is large enough to split, and waking the sleeping second thread for each costs more than
     * the thread saves. Measured (AMD EPYC with AVX-512, 2 threads, passive waits; {@code bench.sh}'s lstm row, LSTM
     * 128 over 28 MNIST rows, batch 128): 3,131-3,531 samples/s on two threads through ATen, 3,936-3,994 through oneDNN,
     * 4,736-4,894 on one thread through ATen (the benchmark at one thread); chapter 5's RNN language model 2.2-2.4 s
     * against 3.3 s per 100 steps. In the reproducible mode the numbers stay the same bit for bit (GEMMs in oneMKL's strict mode do not depend on the
     * thread count, and these networks make no reduction of 32,768 numbers or more, which ATen would split per
     * thread): {@code FitTest} checks it. An LSTM is the exception: in the mode, training on two or more threads runs
     * oneDNN's kernel, with numbers of its own, so there {@code auto} caps a network with LSTM layers to one thread
     * whatever the waits. {@code NNZOO_RECURRENT_THREADS} (or {@code -Dnnzoo.recurrent.threads}) sets
     * it: {@code auto} (default), a number of threads (it only lowers the count), or {@code all} to keep every thread.
     * Measured with two threads only; {@code auto} caps a larger count to one as well, where waking more sleeping
     * threads can only cost more. Other networks keep their threads, and so does a network marked
     * {@link WideOperations}. The first cap in a JVM prints one line.
     *
     * @return the cap, already applied; close it (try-with-resources) on the same thread when training ends
     */
    public static ThreadCap trainingThreads(Block block) {
        int now = JniUtils.getNumThreads();
        int want = wantedThreads(block, now, true);
        if (want >= now) {
            capNote = null;
            return capTo(now, now);
        }
        capNote = "recurrent layers trained on " + want + " of " + now + " threads";
        if (CAP_ANNOUNCED.compareAndSet(false, true)) {
            System.out.println("[nnzoo] native tuning (environment/README.md): networks with recurrent layers train on " + want
                    + " PyTorch thread" + (want == 1 ? "" : "s") + " instead of " + now + " (OpenMP threads wait passively, and waking"
                    + " them for each of a recurrence's small operations costs more than they save; keep all:"
                    + " NNZOO_RECURRENT_THREADS=all)");
        }
        return capTo(now, want); // last: from here on the caller's try-with-resources gives the count back
    }

    /**
     * The threads to run {@code block} on outside training (predictions, held-out losses, sampling), silently: a
     * recurrent network evaluates one small operation after another too. The rule of {@link #trainingThreads} for an
     * evaluation call: one thread where OpenMP waits passively and the recurrences run ATen's loops (an LSTM's
     * evaluation runs ATen's in the reproducible mode, and at one thread outside it but on Intel CPUs with AVX-512);
     * the mode's "whatever the waits" for LSTM training does not apply, as its evaluation kernel does not follow the
     * thread count. Measured (AMD EPYC with AVX-512, 2 threads, passive waits, the reproducible mode; chapter 7's
     * language model, LSTM 256, untrained): sampling 240 characters one at a time from a 64-character context
     * 3.3-3.6 s on two threads against 1.0-1.1 s on one; the loss of 60 batches of 32 x 64 characters 1.7-2.0 against
     * 1.4-1.6 s; the same characters and loss either way in the mode (outside it the two counts may differ in the
     * last bits, as training does there; not measured).
     *
     * @return the cap, already applied; close it (try-with-resources) on the same thread
     */
    public static ThreadCap evaluationThreads(Block block) {
        int now = JniUtils.getNumThreads();
        return capTo(now, wantedThreads(block, now, false));
    }

    /** @return the threads {@code block} runs on, 1 to {@code now}, by {@link #recurrentThreads} */
    private static int wantedThreads(Block block, int now, boolean training) {
        return Math.max(1, Math.min(now, recurrentThreads(block, now, training)));
    }

    /** @return a cap from {@code now} to {@code want} threads, already applied where it lowers the count */
    private static ThreadCap capTo(int now, int want) {
        ThreadCap cap = new ThreadCap(now, want);
        if (cap.capped()) {
            JniUtils.setNumThreads(want);
        }
        return cap;
    }

    /**
     * @param training for a training loop ({@link #trainingThreads}), else for evaluation ({@link #evaluationThreads})
     * @return the thread count asked for (at most {@code now} is used)
     */
    static int recurrentThreads(Block block, int now, boolean training) {
        String v = setting("nnzoo.recurrent.threads", "NNZOO_RECURRENT_THREADS");
        String s = v == null ? "auto" : v.trim();
        if (s.equalsIgnoreCase("all")) {
            return now;
        }
        int set = s.equalsIgnoreCase("auto") ? 0 : positiveThreads(s, v); // 0: decide below
        if (now <= 1 || !hasRecurrentLayer(block) || contains(block, WideOperations.class)) {
            return now;
        }
        if (set > 0) {
            return set;
        }
        return recurrentThreadsAuto(block, now, "passive".equalsIgnoreCase(String.valueOf(System.getenv("OMP_WAIT_POLICY")).trim()),
                training);
    }

    /** @return what {@code auto} gives a network with recurrent layers that is not {@link WideOperations}, to train or to evaluate */
    static int recurrentThreadsAuto(Block block, int now, boolean passiveWaits, boolean training) {
        boolean lstm = contains(block, ai.djl.nn.recurrent.LSTM.class);
        // RNN and GRU layers always run ATen's loops; an LSTM does where the one-thread choice is ATen's
        boolean atenLoops = !lstm || lstmKernelChoice(1, training) == LstmKernel.ATEN;
        // in the reproducible mode an LSTM's training kernel, and so its numbers, follow the thread count: one, whatever
        // the waits (its evaluation runs ATen's loop at any count there)
        boolean fixed = training && lstm && Reproducible.isOn() && lstmSetting() == null;
        return (passiveWaits || fixed) && atenLoops ? 1 : now;
    }

    private static int positiveThreads(String s, String v) {
        try {
            int n = Integer.parseInt(s);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new IllegalArgumentException("nnzoo.recurrent.threads / NNZOO_RECURRENT_THREADS must be auto, all or a"
                + " number of threads (1 or more), got '" + v + "'");
    }

    /**
     * A block with recurrent layers whose other operations work on tensors large enough for every thread to pay (the
     * pointer network's attention over all pairs of positions): {@link #trainingThreads} leaves its threads alone.
     * Measured (AMD EPYC with AVX-512, 2 threads, passive waits, the benchmark's pointer row): 31.3-35.8 steps/s on
     * two threads against 28.3-29.3 on one (three interleaved pairs); in the reproducible mode both about level.
     */
    public interface WideOperations {
    }

    /**
     * A block that runs a recurrence of its own over time steps, one small operator call after another, without a DJL
     * recurrent layer (the spiking network's leaky integrate-and-fire neurons, {@code Snn.Network}): {@link #trainingThreads}
     * and {@link #evaluationThreads} treat it as a network with recurrent layers. Measured (AMD EPYC with AVX-512, 2 threads, passive waits, the
     * reproducible mode; chapter 16's network 784-500-10, 25 steps, batch 128, 6,400 MNIST images, two runs each):
     * 2,335-2,643 images/s on two threads against 4,093-5,615 on one, the parameters after training the same bits.
     */
    public interface StepwiseRecurrence {
    }

    /**
     * @return whether {@code block} or a block inside it is a recurrent layer ({@link ai.djl.nn.recurrent.RecurrentBlock})
     *     or runs a recurrence of its own ({@link StepwiseRecurrence})
     */
    static boolean hasRecurrentLayer(Block block) {
        return contains(block, ai.djl.nn.recurrent.RecurrentBlock.class) || contains(block, StepwiseRecurrence.class);
    }

    private static boolean contains(Block block, Class<?> kind) {
        if (kind.isInstance(block)) {
            return true;
        }
        for (Block child : block.getChildren().values()) {
            if (contains(child, kind)) {
                return true;
            }
        }
        return false;
    }

    /** @return PyTorch's global oneDNN flag ({@code torch.backends.mkldnn.enabled}), or null where it cannot be read */
    public static Boolean oneDnnEnabled() {
        OneDnnFlag flag = OneDnnFlag.get();
        return flag == null ? null : flag.enabled();
    }

    /** ATen's {@code at::Context} oneDNN switch, called through its exported C++ symbols. */
    static final class OneDnnFlag {
        private final Pointer context;
        private final Function getter;
        private final Function setter;

        private OneDnnFlag(Pointer context, Function getter, Function setter) {
            this.context = context;
            this.getter = getter;
            this.setter = setter;
        }

        /** Resolved once, on first use (after the engine has loaded {@code libtorch_cpu.so}). */
        private static final class Holder {
            static final OneDnnFlag FLAG = resolve();
        }

        /** @return the flag, or null where it cannot be reached */
        static OneDnnFlag get() {
            return Holder.FLAG;
        }

        private static OneDnnFlag resolve() {
            TorchContext torch = TorchContext.get();
            try {
                return torch == null ? null : new OneDnnFlag(torch.context, torch.lib.getFunction(
                        "_ZNK2at7Context17userEnabledMkldnnEv"), torch.lib.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb"));
            } catch (UnsatisfiedLinkError e) {
                return null;
            }
        }

        boolean enabled() {
            return (getter.invokeInt(new Object[] {context}) & 0xFF) != 0; // a C++ bool comes back in AL only
        }

        void set(boolean on) {
            setter.invokeVoid(new Object[] {context, on ? 1 : 0});
        }
    }

    /**
     * The loaded {@code libtorch_cpu.so} and its {@code at::globalContext()}, the object whose exported C++ methods
     * {@link OneDnnFlag} and {@link Denormals} call; resolved once, on first use (after the engine has loaded it).
     */
    static final class TorchContext {
        final NativeLibrary lib;
        final Pointer context;

        private TorchContext(NativeLibrary lib, Pointer context) {
            this.lib = lib;
            this.context = context;
        }

        private static final class Holder {
            static final TorchContext TORCH = resolve();
        }

        /** @return libtorch and its context, or null where it is not loaded or cannot be reached */
        static TorchContext get() {
            return Holder.TORCH;
        }

        private static TorchContext resolve() {
            try {
                String torch = loadedLibrary("libtorch_cpu.so");
                if (torch == null) {
                    return null;
                }
                NativeLibrary lib = NativeLibrary.getInstance(torch);
                Pointer context = (Pointer) lib.getFunction("_ZN2at13globalContextEv").invoke(Pointer.class, new Object[0]);
                return context == null ? null : new TorchContext(lib, context);
            } catch (IOException | UnsatisfiedLinkError e) {
                return null;
            }
        }
    }

    /** @return libc, loaded on first use (the vendor fix, the malloc thresholds and {@link Reproducible} call it) */
    static LibC libc() {
        return LibcHolder.LIBC;
    }

    /** @return the path of the loaded library named {@code name} (from /proc/self/maps), or null */
    static String loadedLibrary(String name) throws IOException {
        return loadedLibrary(file -> file.equals(name));
    }

    /** @return the path of the first loaded library whose file name starts with {@code prefix} (e.g. DJL's hashed libgomp), or null */
    static String loadedLibraryStartingWith(String prefix) throws IOException {
        return loadedLibrary(file -> file.startsWith(prefix) && file.contains(".so"));
    }

    /** @return the path of the first file mapped into this process (/proc/self/maps) whose name passes, or null */
    private static String loadedLibrary(java.util.function.Predicate<String> fileName) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int path = line.indexOf('/');
            if (path >= 0 && fileName.test(line.substring(line.lastIndexOf('/') + 1))) {
                return line.substring(path);
            }
        }
        return null;
    }
}
