package org.nnzoo.train;

import java.io.IOException;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * Denormal (subnormal) floats flushed to zero on the threads that train, as {@code torch.set_flush_denormal(True)}
 * does in Python and TensorFlow does by default.
 *
 * <p>Why: numbers below 2^-126 (about 1.2e-38) have no hardware fast path on x86; every operation that reads or
 * makes one is finished by microcode, many times slower. A converging model makes them: the pointer network of
 * chapter 15 (gradients of confident predictions shrinking through time steps) spent 24 ms per batch in its backward
 * pass in the first epoch and 108 ms in the sixtieth, nearly all of it in oneMKL's matrix products
 * ({@code perf}: 76 % in {@code mkl_blas_avx2_sgemm_kernel}); with denormals flushed the backward pass stays at its
 * first-epoch time. The DQN of chapter 14 has denormal Adam moments (dead ReLU units decay them toward zero).
 *
 * <p>What it changes: the x86 MXCSR bits FTZ (results below 2^-126 become 0) and DAZ (such inputs are read as 0),
 * set through PyTorch's own {@code at::Context::setFlushDenormal(true)}. Numbers differ from gradual underflow only
 * where a denormal occurs; they stay deterministic and the same on every x86-64 CPU (the two bits are part of SSE,
 * and the reproducible mode still holds). The bits belong to one thread, and to a stretch of its stack:
 * <ul>
 *   <li>{@link #onThisThread()} sets them on the calling thread, and is called where training starts ({@link Fit},
 *       {@code GanTraining}, the engine's start) and at each optimizer step. It first asks the thread itself (one float
 *       product, a nanosecond) and calls PyTorch only where the bits are not set;</li>
 *   <li>HotSpot keeps a native call's bits for the Java code that follows (unless run with
 *       {@code -XX:+RestoreMXCSROnJNICalls}), so the fused Adam update and the library's float loops on that thread
 *       flush as well; but each entry into Java from native code (a thread's start, a reflective call, which is how
 *       JShell and the notebook kernel run each statement of a cell) starts with the JVM's default bits and gives the
 *       caller's back on return. The flush therefore lasts from the start of a training loop to the end of the cell
 *       statement that ran it; the next statement that trains sets it again;</li>
 *   <li>PyTorch's OpenMP workers copy the bits of the thread that creates them (libgomp keeps one team of workers per
 *       calling thread), so setting them also releases this thread's team ({@code omp_pause_resource_all}): the next
 *       parallel operation creates new workers, which then flush too (and keep doing so).</li>
 * </ul>
 *
 * <p>Off: {@code NNZOO_FLUSH_DENORMALS=0} or {@code -Dnnzoo.flushDenormals=false} (gradual underflow, IEEE's default).
 */
public final class Denormals {

    /** Read at run time (volatile), so that the product below is computed by this thread, never folded. */
    private static volatile float tiny = 1e-30f;
    /** OpenMP 5.0's {@code omp_pause_hard}: release the calling thread's team of worker threads. */
    private static final int OMP_PAUSE_HARD = 2;

    private Denormals() {
    }

    /** @return whether the flush is on (the default; off with {@code NNZOO_FLUSH_DENORMALS=0} or the property) */
    public static boolean enabled() {
        String p = System.getProperty("nnzoo.flushDenormals");
        if (p != null) {
            return !("false".equalsIgnoreCase(p.trim()) || "0".equals(p.trim()));
        }
        return !"0".equals(System.getenv("NNZOO_FLUSH_DENORMALS"));
    }

    /**
     * Flushes denormals on the calling thread and on the OpenMP workers it uses from now on, where the thread does
     * not flush already; never throws (where PyTorch's symbols cannot be reached it leaves gradual underflow, as
     * {@link #status()} says).
     */
    public static void onThisThread() {
        if (flushingHere() || !enabled()) {
            return;
        }
        Calls calls = Calls.get();
        if (calls != null && calls.supported) {
            calls.flushHere();
        }
    }

    /** @return whether this thread flushes now: 1e-30 * 1e-10 (a denormal, 1e-40) comes out as 0 */
    public static boolean flushingHere() {
        return tiny * 1e-10f == 0f;
    }

    /** @return one line for the machine record: on, off, or why it could not be set */
    public static String status() {
        if (!enabled()) {
            return "off (NNZOO_FLUSH_DENORMALS=0 or nnzoo.flushDenormals=false)";
        }
        Calls calls = Calls.get();
        return calls == null ? "not available (" + Calls.why + ")" : "on (FTZ+DAZ on the training threads)";
    }

    /** PyTorch's flush switch and libgomp's pause, resolved once (after the engine has loaded libtorch_cpu.so). */
    private static final class Calls {
        private static String why = "";
        private final Pointer context;
        private final Function setFlush;
        private final Function pause;
        /** False once PyTorch said the CPU has no such bits (not x86): then no more native calls at each step. */
        private volatile boolean supported = true;

        private Calls(Pointer context, Function setFlush, Function pause) {
            this.context = context;
            this.setFlush = setFlush;
            this.pause = pause;
        }

        private static final class Holder {
            static final Calls CALLS = resolve();
        }

        static Calls get() {
            return Holder.CALLS;
        }

        private static Calls resolve() {
            try {
                NativeTuning.TorchContext torch = NativeTuning.TorchContext.get();
                String gomp = NativeTuning.loadedLibraryStartingWith("libgomp");
                if (torch == null || gomp == null) {
                    why = "libtorch_cpu.so or libgomp is not loaded";
                    return null;
                }
                return new Calls(torch.context, torch.lib.getFunction("_ZN2at7Context16setFlushDenormalEb"),
                        NativeLibrary.getInstance(gomp).getFunction("omp_pause_resource_all"));
            } catch (IOException | UnsatisfiedLinkError | RuntimeException e) {
                why = e.toString();
                return null;
            }
        }

        void flushHere() {
            if ((setFlush.invokeInt(new Object[] {context, 1}) & 0xFF) == 0) { // a C++ bool comes back in AL only
                supported = false; // no DAZ on this CPU: PyTorch left the bits alone
                return;
            }
            pause.invokeInt(new Object[] {OMP_PAUSE_HARD}); // the next parallel operation makes workers that flush
        }
    }
}
