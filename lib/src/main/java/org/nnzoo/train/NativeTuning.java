package org.nnzoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Makes the PyTorch natives that DJL ships use their fast matrix-multiply kernels on AMD processors.
 *
 * <p>DJL's PyTorch 2.7.1 CPU build links Intel oneMKL 2024 statically into {@code libtorch_cpu.so}. oneMKL picks
 * its SGEMM code path by CPU vendor: on a CPU that does not report "GenuineIntel" it runs a generic path, whatever
 * AVX2/AVX-512 the CPU has. Measured on the project machine (AMD EPYC, AVX-512, one thread): a
 * {@code 128x784 . 784x256} linear layer took 530 us, against 245 us in Debian's PyTorch 1.13 with OpenBLAS; the
 * same call takes 245 us after this fix. oneMKL asks an exported function, {@code mkl_serv_intel_cpu_true}, and
 * caches the answer at its first BLAS call; {@link #apply()} rewrites that function's first bytes to
 * {@code mov eax, 1; ret} (after {@code mprotect}), which is the well-known replacement for the removed
 * {@code MKL_DEBUG_CPU_TYPE=5} switch. oneMKL still checks the instruction-set bits itself.
 *
 * <p>It runs automatically when DJL starts its PyTorch engine (see {@link TunedPyTorchProvider}), before any
 * computation, and only on Linux x86-64 with a non-Intel CPU. Turn it off with {@code -Dnnzoo.mkl.vendorFix=false}
 * or the environment variable {@code NNZOO_MKL_VENDOR_FIX=0}. Results stay deterministic (same kernels every run);
 * they can differ from the generic path in the last bits of floating-point rounding.
 *
 * <p>Second, it keeps glibc's {@code malloc} from handing tensor memory back to the kernel after every batch.
 * DJL runs PyTorch from a Java thread, whose allocations come from one of glibc's secondary arenas; there the
 * megabyte-sized activation and gradient buffers of each batch were unmapped when freed and mapped again (and
 * zero-filled page by page) in the next batch. Measured (LeNet, batch 128, 20,480 images x 3 epochs, one thread):
 * 984,541 minor page faults and 10,200 images/s with glibc's defaults, 81,099 and 15,900 images/s after
 * {@code mallopt(M_MMAP_THRESHOLD, 32 MiB)} and {@code mallopt(M_TRIM_THRESHOLD, 128 MiB)}, the same final loss and
 * about the same peak memory. Python's PyTorch runs from the main thread (the main arena), where glibc's dynamic
 * threshold already does this. Skipped when the user set {@code MALLOC_MMAP_THRESHOLD_},
 * {@code MALLOC_TRIM_THRESHOLD_} or {@code GLIBC_TUNABLES}; turn it off with {@code -Dnnzoo.malloc.tune=false} or
 * {@code NNZOO_MALLOC_TUNE=0}.
 *
 * <p>Third, {@link #lstmKernel(Supplier)} picks PyTorch's LSTM implementation for one forward call. PyTorch 2.x
 * runs {@code aten::lstm} on CPU through oneDNN ({@code mkldnn_rnn_layer}) whenever oneDNN is enabled; with one
 * intra-op thread that is much slower for training than ATen's own LSTM (a loop of matrix products and gate
 * operations, what PyTorch 1.13 runs): measured with {@code bench.sh --threads 1} (LSTM 128 on 28 MNIST rows, batch
 * 128, Adam), 5,508 samples/s through oneDNN against 9,074 through ATen. With two threads oneDNN is ahead (5,610
 * against 4,717: ATen's loop has many small parallel regions, and waking the second OpenMP thread for each costs
 * more than it saves), so oneDNN keeps the call then.
 */
public final class NativeTuning {

    private static volatile String status = "not applied (the PyTorch engine has not started)";

    private NativeTuning() {
    }

    /** @return what {@link #apply()} did, e.g. {@code "oneMKL vendor check patched (AuthenticAMD); malloc: ..."} */
    public static String status() {
        return status;
    }

    /** glibc's {@code mallopt} parameter: requests at least this large are served by {@code mmap}. */
    static final int M_MMAP_THRESHOLD = -3;
    /** glibc's {@code mallopt} parameter: free memory at the top of a heap above this is given back. */
    static final int M_TRIM_THRESHOLD = -1;
    /** Allocations below this come from the heap and are reused (glibc's dynamic threshold stops at 32 MiB). */
    static final int MMAP_THRESHOLD_BYTES = 32 << 20;
    /** Free heap memory kept for reuse before glibc trims it. */
    static final int TRIM_THRESHOLD_BYTES = 128 << 20;

    /** libc, loaded once, on first use (the vendor fix and the malloc thresholds both call it). */
    private static final class LibcHolder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    /** Interface to a few libc functions. */
    interface LibC extends Library {

        int mprotect(Pointer addr, long len, int prot);

        int getpagesize();

        int mallopt(int param, int value);
    }

    /**
     * Applies the fix if it applies here; never throws (a failure only leaves the slower path, and is reported in
     * {@link #status()}). Call it after {@code libtorch_cpu.so} is loaded and before the first matrix product.
     */
    public static synchronized String apply() {
        String mkl;
        try {
            mkl = applyOrExplain();
        } catch (Throwable t) { // NOPMD: a speed fix must never break the engine
            mkl = "not applied: " + t;
        }
        String malloc;
        try {
            malloc = tuneMalloc();
        } catch (Throwable t) { // NOPMD: likewise
            malloc = "not applied: " + t;
        }
        status = mkl + "; malloc: " + malloc;
        return status;
    }

    /**
     * Sets glibc's mmap and trim thresholds (see the class comment); never throws.
     *
     * @return what it did, for {@link #status()}
     */
    static String tuneMalloc() {
        if ("false".equalsIgnoreCase(System.getProperty("nnzoo.malloc.tune"))
                || "0".equals(System.getenv("NNZOO_MALLOC_TUNE"))) {
            return "glibc defaults (nnzoo.malloc.tune=false or NNZOO_MALLOC_TUNE=0)";
        }
        for (String v : new String[] {"MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES"}) {
            if (System.getenv(v) != null) {
                return "left as set by " + v;
            }
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return "not needed (not Linux)";
        }
        LibC libc = LibcHolder.LIBC;
        if (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) != 1
                || libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) != 1) {
            return "not applied: mallopt refused (not glibc?)";
        }
        return "mmap threshold " + (MMAP_THRESHOLD_BYTES >> 20) + " MiB, trim threshold " + (TRIM_THRESHOLD_BYTES >> 20) + " MiB";
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
     *     variable {@code NNZOO_LSTM_KERNEL} ({@code aten}, {@code onednn} or {@code auto}); {@code auto} (the
     *     default) means ATen with one intra-op thread and oneDNN with more
     */
    public static LstmKernel lstmKernelChoice() {
        String v = System.getProperty("nnzoo.lstm.kernel", System.getenv("NNZOO_LSTM_KERNEL"));
        if (v == null || v.isBlank() || v.equalsIgnoreCase("auto")) {
            return JniUtils.getNumThreads() == 1 ? LstmKernel.ATEN : LstmKernel.ONEDNN;
        }
        try {
            return LstmKernel.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("nnzoo.lstm.kernel / NNZOO_LSTM_KERNEL must be aten, onednn or auto, got '" + v + "'", e);
        }
    }

    /**
     * Runs one LSTM forward call ({@code aten::lstm} and the backward it records) with the implementation that
     * {@link #lstmKernelChoice()} picks: for {@link LstmKernel#ATEN} it switches PyTorch's global oneDNN flag
     * ({@code at::globalContext().setUserEnabledMkldnn}, what {@code torch.backends.mkldnn.flags(enabled=False)}
     * does in Python) off for the call and back on after it. The flag is process-wide: do not run convolutions on
     * another thread at the same time. Where the flag cannot be reached it just runs the call.
     */
    public static <T> T lstmKernel(Supplier<T> forward) {
        if (lstmKernelChoice() != LstmKernel.ATEN) {
            return forward.get();
        }
        OneDnnFlag flag = OneDnnFlag.get();
        if (flag == null || !flag.enabled()) {
            return forward.get();
        }
        flag.set(false);
        try {
            return forward.get();
        } finally {
            flag.set(true);
        }
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
            try {
                String torch = loadedLibrary("libtorch_cpu.so");
                if (torch == null) {
                    return null;
                }
                NativeLibrary lib = NativeLibrary.getInstance(torch);
                Pointer context = (Pointer) lib.getFunction("_ZN2at13globalContextEv").invoke(Pointer.class, new Object[0]);
                return context == null ? null : new OneDnnFlag(context, lib.getFunction("_ZNK2at7Context17userEnabledMkldnnEv"),
                        lib.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb"));
            } catch (IOException | UnsatisfiedLinkError e) {
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

    private static String applyOrExplain() throws IOException {
        if ("false".equalsIgnoreCase(System.getProperty("nnzoo.mkl.vendorFix"))
                || "0".equals(System.getenv("NNZOO_MKL_VENDOR_FIX"))) {
            return "off (nnzoo.mkl.vendorFix=false or NNZOO_MKL_VENDOR_FIX=0)";
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return "not needed (" + os + " " + arch + ")";
        }
        String vendor = cpuVendor();
        if (vendor == null || vendor.equals("GenuineIntel")) {
            return "not needed (CPU vendor " + vendor + ")";
        }
        String torch = loadedLibrary("libtorch_cpu.so");
        if (torch == null) {
            return "not applied: libtorch_cpu.so is not loaded yet";
        }
        Function check;
        try {
            check = NativeLibrary.getInstance(torch).getFunction("mkl_serv_intel_cpu_true");
        } catch (UnsatisfiedLinkError e) {
            return "not needed (no oneMKL in " + torch + ")";
        }
        if (check.invokeInt(new Object[0]) != 0) {
            return "not needed (oneMKL already takes this CPU for an Intel one)";
        }
        LibC libc = LibcHolder.LIBC;
        long page = libc.getpagesize();
        long address = Pointer.nativeValue(check);
        Pointer start = new Pointer(address & -page);
        long length = (address + 6 - (address & -page) + page - 1) / page * page;
        final int read = 1;
        final int write = 2;
        final int exec = 4;
        if (libc.mprotect(start, length, read | write | exec) != 0) {
            return "not applied: mprotect refused (errno " + Native.getLastError() + ")";
        }
        check.write(0, new byte[] {(byte) 0xB8, 1, 0, 0, 0, (byte) 0xC3}, 0, 6); // mov eax, 1; ret
        libc.mprotect(start, length, read | exec);
        int now = check.invokeInt(new Object[0]);
        return now == 1 ? "oneMKL vendor check patched (" + vendor + ")" : "not applied: the check still returns " + now;
    }

    private static String cpuVendor() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return null;
        }
        for (String line : Files.readAllLines(info)) {
            if (line.startsWith("vendor_id")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    private static String loadedLibrary(String name) throws IOException {
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        for (String line : maps) {
            if (line.endsWith("/" + name)) {
                return line.substring(line.indexOf('/'));
            }
        }
        return null;
    }
}
