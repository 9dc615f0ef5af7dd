package org.nnzoo.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * The reproducible mode: the same recorded numbers on any x86-64 CPU with AVX2, at a given number of PyTorch threads.
 * On by default; off with the environment variable {@value #ENV}{@code =0} or {@code -Dnnzoo.reproducible=false}
 * (faster on CPUs with AVX-512, and the numbers are then this CPU's own). Decided before the PyTorch engine starts
 * (for a notebook: in the environment Jupyter starts the kernel with). Documented for users in
 * {@code environment/README.md} ("Reproducible mode"), with the measurements.
 *
 * <p>Each native library in DJL's {@code libtorch_cpu.so} picks its code by CPU, and the choice changes the order of
 * floating-point operations, so the last bits of the results, so (over thousands of training steps) the metrics:
 * <ul>
 * <li>oneMKL (GEMM, and ATen's {@code exp}/{@code tanh} through its vector maths) picks AVX-512 or AVX2 kernels per
 * CPU and its blocking per thread count. The mode sets {@code MKL_CBWR=AVX2,STRICT}, oneMKL's Conditional Numerical
 * Reproducibility: the AVX2 code branch on every CPU that has it, and (STRICT) GEMM results independent of the
 * thread count. On a non-Intel CPU it relies on the vendor fix ({@link MklVendorCheck}), which makes oneMKL treat
 * the CPU as an Intel one; without it the mode says it is not reproducible.</li>
 * <li>ATen's own vectorised kernels (softmax, reductions, ...) are compiled three times (default, AVX2, AVX-512)
 * and picked per CPU: the mode sets {@code ATEN_CPU_CAPABILITY=avx2}.</li>
 * <li>oneDNN (convolutions) picks kernels per ISA, and a few of them their blocking per cache size, with no
 * reproducibility switch. The mode caps it at AVX2 ({@code ONEDNN_MAX_CPU_ISA=AVX2}); of the kernels it then runs for
 * this project's convolutions, only the one for a strided convolution's input gradient ({@code brgconv_strided})
 * reads the cache sizes, so {@code org.nnzoo.models.StridedConv2d} trains strided convolutions without oneDNN in the
 * mode: by im2col and oneMKL's GEMM (PyTorch's {@code thnn_conv2d}), which the mode's oneMKL setting covers.
 * oneDNN's LSTM trains LSTM layers on two or more threads: its training path (a reference RNN around oneDNN's own JIT
 * matrix products and gate kernels) was read in the same source and orders its sums by the instruction set, the thread
 * count and the shapes alone; its inference path (brgemm) blocks by the L2 size, so evaluation, and training on one
 * thread, run ATen's loop of GEMMs instead ({@link NativeTuning#lstmKernel}).</li>
 * <li>The thread count: ATen splits large reductions (a sum of 32,768 numbers or more, e.g. a loss over a batch
 * of images) into one partial sum per thread, so 1 and 2 threads can give different numbers (a probe's sum of a
 * million numbers did). The mode sets {@code ai.djl.pytorch.num_threads=2} (the count README's numbers were made
 * with) unless it is set: also on a machine with more cores, where more threads would be faster and give other
 * numbers.</li>
 * </ul>
 * The variables are written into the process's C environment ({@code setenv}) before libtorch is loaded, where oneMKL,
 * oneDNN and ATen read them at their first call; one the caller set to another value is left alone, and the mode then
 * says it is not reproducible. The JVM's side needs nothing: HotSpot's {@code Math} intrinsics are the same code on
 * every x86-64 CPU ({@code -XX:UseAVX=0..3} give the same bits) and the Vector API kernels of chapter 8 equal their
 * scalar loops bit for bit.
 */
public final class Reproducible {

    /** The environment variable that turns the mode off ({@code 0}, {@code false}, {@code no} or {@code off}). */
    public static final String ENV = "NNZOO_REPRODUCIBLE";
    /** The system property that turns the mode off (takes precedence over {@value #ENV}). */
    public static final String PROPERTY = "nnzoo.reproducible";
    /** PyTorch intra-op threads in the mode when {@code ai.djl.pytorch.num_threads} is not set. */
    public static final int DEFAULT_THREADS = 2;
    /** What the mode writes into the C environment before libtorch loads. */
    static final Map<String, String> NATIVE_ENV = Map.of("MKL_CBWR", "AVX2,STRICT", "ATEN_CPU_CAPABILITY", "avx2",
            "ONEDNN_MAX_CPU_ISA", "AVX2");

    private static final int MKL_CBWR_ALL = -1;
    private static final int MKL_CBWR_STRICT = 0x10000;
    private static final String[] MKL_BRANCHES = {"OFF", "OFF", "AUTO", "COMPATIBLE", "SSE2", "branch 5", "SSSE3",
        "SSE4_1", "SSE4_2", "AVX", "AVX2", "AVX512_MIC", "AVX512", "AVX512_MIC_E1", "AVX512_E1"};

    private static volatile List<String> conflicts = List.of();
    private static volatile String status = "off";
    private static volatile String notice;

    private Reproducible() {
    }

    /** @return whether the mode is asked for: yes unless {@value #PROPERTY} or {@value #ENV} says 0, false, no or off */
    public static boolean requested() {
        String v = System.getProperty(PROPERTY, System.getenv(ENV));
        return v == null || !List.of("0", "false", "no", "off").contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /** @return whether the engine started in the mode (reached or not); false before the engine starts */
    public static boolean isOn() {
        return !"off".equals(status);
    }

    /** @return what the mode did in this process, e.g. {@code "on: oneMKL CNR AVX2,STRICT, ATen avx2, ..."}, or "off" */
    public static String status() {
        return status;
    }

    /** @return the line the engine start prints in the mode (null when the mode is off) */
    static String notice() {
        return notice;
    }

    /**
     * Before libtorch loads: the C environment for oneMKL and ATen, and the thread count. Does nothing when the mode
     * is off; never throws.
     */
    static synchronized void beforeEngine() {
        if (!requested()) {
            return;
        }
        List<String> found = new ArrayList<>();
        try {
            NativeTuning.LibC libc = NativeTuning.libc();
            for (Map.Entry<String, String> e : new java.util.TreeMap<>(NATIVE_ENV).entrySet()) {
                String now = libc.getenv(e.getKey());
                if (now == null) {
                    libc.setenv(e.getKey(), e.getValue(), 0);
                } else if (!now.equalsIgnoreCase(e.getValue())) {
                    found.add(e.getKey() + "=" + now + " (set by the caller)");
                }
            }
        } catch (Throwable t) { // NOPMD: the engine must start anyway; the mode then says what failed
            found.add("setenv failed: " + t);
        }
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(DEFAULT_THREADS));
        }
        conflicts = List.copyOf(found);
    }

    /**
     * After libtorch loaded (and {@link NativeTuning#apply()} ran): checks that every library took its setting and says
     * so in {@link #status()} and one line.
     *
     * @param engine the engine just started (not yet known to DJL's {@code Engine.getInstance()})
     */
    static synchronized void afterEngine(Engine engine) {
        if (!requested()) {
            status = "off";
            notice = null;
            return;
        }
        List<String> problems = new ArrayList<>(conflicts);
        status = "on"; // before lstmKernelChoice(), which asks
        boolean lstmInAten = false;
        try {
            // the LSTM calls the mode leaves to ATen (any that evaluates, any on one thread) must go there
            lstmInAten = NativeTuning.lstmKernelChoice(1, false) == NativeTuning.LstmKernel.ATEN;
            if (!lstmInAten) {
                problems.add("LSTM layers run oneDNN's kernel for every call (NNZOO_LSTM_KERNEL=onednn), whose inference forward (brgemm, blocked"
                        + " by the L2 cache size) the mode does not cover");
            } else if (NativeTuning.OneDnnFlag.get() == null) {
                lstmInAten = false;
                problems.add("PyTorch's oneDNN switch was not found, so LSTM layers cannot be moved to ATen");
            }
        } catch (IllegalArgumentException e) { // a bad NNZOO_LSTM_KERNEL: said here, and again at the first LSTM
            problems.add(e.getMessage());
        }
        Map<String, Object> d = describeEngine(engine);
        if ("on".equals(d.get("onednn")) && !"AVX2".equalsIgnoreCase(String.valueOf(d.get("onednn_max_cpu_isa")))) {
            problems.add("oneDNN is capped at " + d.get("onednn_max_cpu_isa") + ", not AVX2");
        }
        if (!"AVX2,STRICT".equals(d.get("mkl_cbwr"))) {
            problems.add("oneMKL runs branch " + d.get("mkl_cbwr") + ", not AVX2,STRICT");
        }
        if (!"AVX2".equalsIgnoreCase(String.valueOf(d.get("aten_cpu_capability")))) {
            problems.add("ATen runs its " + d.get("aten_cpu_capability") + " kernels, not AVX2 (a CPU without AVX2?)");
        }
        String vendor = cpuInfo("vendor_id");
        if (vendor != null && !vendor.equals("GenuineIntel") && !NativeTuning.status().startsWith("oneMKL vendor check patched")) {
            problems.add("oneMKL's vendor check is not patched on this " + vendor + " CPU, so oneMKL may ignore MKL_CBWR ("
                    + NativeTuning.status() + ")");
        }
        String what = "oneMKL CNR " + d.get("mkl_cbwr") + ", ATen " + d.get("aten_cpu_capability") + " kernels, oneDNN "
                + ("on".equals(d.get("onednn")) ? d.get("onednn_max_cpu_isa") + " kernels (strided convolutions trained by"
                + " im2col and oneMKL)" : "off") + ", LSTMs " + (!lstmInAten ? "in oneDNN" : NativeTuning.lstmKernelChoice(2, true) == NativeTuning.LstmKernel.ONEDNN
                ? "trained by oneDNN's reference RNN at 2+ threads, else in ATen" : "in ATen") + ", " + d.get("pytorch_threads")
                + " PyTorch threads";
        if (problems.isEmpty()) {
            status = "on: " + what;
            notice = "[nnzoo] reproducible mode (environment/README.md): " + what
                    + ": the same numbers on any x86-64 CPU with AVX2 at " + d.get("pytorch_threads") + " threads (off: "
                    + ENV + "=0)";
        } else {
            status = "on, NOT reproducible: " + String.join("; ", problems) + " (" + what + ")";
            notice = "[nnzoo] reproducible mode NOT reached: " + String.join("; ", problems);
        }
    }

    /**
     * What the numbers of this process depend on, for the results report: the CPU, the code paths the libraries took,
     * the thread count, the versions. The engine part only once the PyTorch engine has started (it never starts it).
     *
     * @return name to value (strings, numbers, booleans), in a fixed order
     */
    public static Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        boolean started = !NativeTuning.status().contains("has not started");
        d.put("reproducible_mode", started ? isOn() : requested()); // started: what the engine did
        d.put("cpu_model", cpuInfo("model name"));
        d.put("cpu_vendor", cpuInfo("vendor_id"));
        d.put("cpu_isa", cpuIsa());
        d.put("cpus", Runtime.getRuntime().availableProcessors());
        d.put("os_arch", System.getProperty("os.arch"));
        d.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        d.put("jvm_use_avx", vmOption("UseAVX"));
        d.put("jvm_max_vector_size", vmOption("MaxVectorSize"));
        if (started) {
            d.putAll(describeEngine(Engine.getInstance()));
            d.put("native_tuning", NativeTuning.status());
            d.put("reproducible_status", status);
        }
        return d;
    }

    /** The engine's part of {@link #describe()}; call only after the engine started. */
    private static Map<String, Object> describeEngine(Engine engine) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("djl", Engine.getDjlVersion());
        d.put("pytorch", engine.getVersion());
        d.put("pytorch_threads", JniUtils.getNumThreads());
        Boolean onednn = NativeTuning.oneDnnEnabled();
        d.put("onednn", onednn == null ? "unknown" : onednn ? "on" : "off");
        String isa = cEnv("ONEDNN_MAX_CPU_ISA");
        if (isa != null) {
            d.put("onednn_max_cpu_isa", isa);
        }
        try {
            NativeLibrary torch = NativeLibrary.getInstance(NativeTuning.loadedLibrary("libtorch_cpu.so"));
            d.put("aten_cpu_capability", atenCapability(torch));
            d.put("mkl_version", mklVersion(torch));
            int cbwr = torch.getFunction("mkl_serv_cbwr_get").invokeInt(new Object[] {MKL_CBWR_ALL});
            int branch = cbwr & ~MKL_CBWR_STRICT;
            d.put("mkl_cbwr", branch <= 1 ? "OFF" : mklBranch(branch) + ((cbwr & MKL_CBWR_STRICT) != 0 ? ",STRICT" : ""));
            d.put("mkl_isa", mklBranch(branch > 2 ? branch
                    : torch.getFunction("mkl_serv_cbwr_get_auto_branch").invokeInt(new Object[0])));
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            d.put("native_query_failed", e.toString());
        }
        return d;
    }

    /** @return a variable of the process's C environment (where {@code setenv} wrote), else of Java's; null if unset */
    private static String cEnv(String name) {
        try {
            return NativeTuning.libc().getenv(name);
        } catch (LinkageError e) { // libc not loadable (its holder's initialisation failed)
            return System.getenv(name);
        }
    }

    private static String mklBranch(int code) {
        return code >= 0 && code < MKL_BRANCHES.length ? MKL_BRANCHES[code] : "branch " + code;
    }

    /** {@code at::get_cpu_capability()}, which returns a {@code std::string} (written through a hidden pointer). */
    private static String atenCapability(NativeLibrary torch) {
        try (Memory s = new Memory(64)) {
            s.clear();
            torch.getFunction("_ZN2at18get_cpu_capabilityB5cxx11Ev").invoke(Pointer.class, new Object[] {s});
            long len = s.getLong(8);
            Pointer data = s.getPointer(0);
            return len < 0 || len > 64 || data == null ? "unknown" : new String(data.getByteArray(0, (int) len),
                    java.nio.charset.StandardCharsets.US_ASCII);
        } catch (UnsatisfiedLinkError e) {
            return "unknown";
        }
    }

    private static String mklVersion(NativeLibrary torch) {
        try (Memory v = new Memory(256)) {
            v.clear();
            torch.getFunction("MKL_Get_Version_String").invokeVoid(new Object[] {v, 255});
            String s = v.getString(0);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("Version ([0-9.]+)").matcher(s);
            return m.find() ? m.group(1) : s;
        } catch (UnsatisfiedLinkError e) {
            return "none";
        }
    }

    private static Object vmOption(String name) {
        try {
            String v = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption(name).getValue();
            return v.matches("-?\\d+") ? (Object) Long.parseLong(v) : v;
        } catch (RuntimeException e) {
            return "n/a";
        }
    }

    /** @return the first value of {@code key} in /proc/cpuinfo, or null */
    static String cpuInfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key) && line.indexOf(':') > 0 && line.substring(0, line.indexOf(':')).trim().equals(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** @return the widest vector ISA the CPU reports: avx512, avx2, avx, sse4_2 or the CPU's own word; null off Linux */
    static String cpuIsa() {
        String flags = cpuInfo("flags");
        if (flags == null) {
            return null;
        }
        List<String> f = List.of(flags.split("\\s+"));
        for (String isa : new String[] {"avx512f", "avx2", "avx", "sse4_2"}) {
            if (f.contains(isa)) {
                return isa.equals("avx512f") ? "avx512" : isa;
            }
        }
        return "other";
    }
}
