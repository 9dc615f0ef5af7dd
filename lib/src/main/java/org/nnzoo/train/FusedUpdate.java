package org.nnzoo.train;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.IdentityHashMap;
import java.util.Map;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;

/**
 * DJL's Adam and SGD updates in one pass over each parameter, with the same numbers.
 *
 * <p>DJL's {@code Adam.update} and {@code Sgd.update} end in one native call each ({@code adamUpdate},
 * {@code sgdUpdate} in DJL's PyTorch JNI) that runs the update as a chain of whole-tensor ATen operations, and then a
 * second call that zeroes the gradient: for Adam twelve passes over the parameter's memory and five new tensors of its
 * size (a copy of the gradient, {@code m * lr}, {@code sqrt(v)}, {@code + eps}, the quotient); for SGD five passes and
 * one copy. With two threads every pass over more than 32,768 values is also an OpenMP region that wakes the second
 * thread. Here DJL's optimizer still does its own bookkeeping (update counts, learning-rate tracker, bias correction,
 * its state arrays), and only that last native call is replaced: the weight handed to {@code update} is a proxy whose
 * {@code getNDArrayInternal().adamUpdate/sgdUpdate} runs the same arithmetic, element by element, on direct views of
 * the weight, gradient and state memory, and zeroes the gradient in the same pass.
 *
 * <p>Why the numbers are the same: each ATen operation rounds its result to float, and so does each step here, in the
 * same order; where ATen's kernels multiply-add in one rounding ({@code add_(x, alpha)}, {@code addcmul_}) this uses
 * {@link Math#fma}. {@code FusedUpdateTest} checks the weights after six steps (so the states too) bit for bit against
 * DJL's own update, with weight decay, rescaling, clipping and momentum, on sizes with vector tails. One exception: on
 * CPUs with AVX-512, ATen's AVX-512 kernels round about one value in 20,000 of an Adam step by one unit in the last
 * place differently (not traced to one operation; the moments agree, the weight update differs), while the update
 * here matches ATen's AVX2 kernels, i.e. the reproducible mode, which the notebooks run in;
 * {@code NNZOO_REPRODUCIBLE=0} runs on such CPUs therefore differ in those last places, the same in every run.
 *
 * <p>Used by {@link OptimizerStep.Direct} for {@code Adam} and {@code Sgd} exactly (not subclasses, not AdamW), on
 * contiguous float32 CPU arrays, where the JVM runs the Vector API ({@code --add-modules jdk.incubator.vector}, as the
 * kernel, the tests and the benchmark do); anything else takes DJL's own path. Off with {@code NNZOO_FUSED_UPDATE=0}
 * or {@code -Dnnzoo.fusedUpdate=false}. The scalar loops are the reference the vector loops are checked against (and
 * their tails): as the update they would be slower than DJL's (the DQN's denormal Adam moments: 311-456 against
 * 1,098-1,179 environment steps/s).
 */
final class FusedUpdate {

    private static final boolean ENABLED = !"0".equals(System.getenv("NNZOO_FUSED_UPDATE"))
            && Boolean.parseBoolean(System.getProperty("nnzoo.fusedUpdate", "true"));

    /** {@link Kernels}' answer, set when that class initialises (reading a field of it would initialise it). */
    private static volatile String kernelStatus;

    /** Direct views of arrays whose storage does not move: the weights and the optimizer's state arrays. */
    private final Map<NDArray, ByteBuffer> views = new IdentityHashMap<>();
    private final Map<NDArray, NDArray> proxies = new IdentityHashMap<>();

    private FusedUpdate() {
    }

    /**
     * @return one line for the records (the benchmark's JSON): whether Adam and SGD updates run fused, and if not, why;
     *     "not used yet" before the first optimizer step that could use it (the check runs then, once per JVM)
     */
    static String status() {
        if (!ENABLED) {
            return "off (NNZOO_FUSED_UPDATE=0 or -Dnnzoo.fusedUpdate=false)";
        }
        String s = kernelStatus;
        return s == null ? "not used yet" : s;
    }

    /** @return a fused update for {@code optimizer}, or null where DJL's own update must run */
    static FusedUpdate forOptimizer(Optimizer optimizer) {
        if (!ENABLED || optimizer == null) {
            return null;
        }
        Class<?> c = optimizer.getClass();
        // without the vector loops (no incubator module, or they would not compile) DJL's own update is faster than
        // the scalar loops here: denormal moments (DQN's dead units) make scalar Java float arithmetic crawl
        return (c == Adam.class || c == Sgd.class) && Kernels.simd() ? new FusedUpdate() : null;
    }

    /**
     * @return what to hand to {@code Optimizer.update} in place of {@code weight}: {@code weight} itself where the fused
     *     update does not apply (not a contiguous float32 CPU array)
     */
    NDArray weight(NDArray weight) {
        NDArray p = proxies.get(weight);
        if (p == null) {
            if (view(weight) == null) {
                return weight;
            }
            p = (NDArray) Proxy.newProxyInstance(NDArray.class.getClassLoader(), new Class<?>[] {NDArray.class},
                    new WeightHandler(weight));
            proxies.put(weight, p);
        }
        return p;
    }

    /** @return a direct view of {@code a}'s memory, cached; null if {@code a} has none (then DJL's path runs) */
    private ByteBuffer view(NDArray a) {
        ByteBuffer v = views.get(a);
        if (v == null && !views.containsKey(a)) {
            v = directView(a);
            views.put(a, v);
        }
        return v;
    }

    /** @return a direct view of the memory of {@code a} (contiguous float32 on the CPU), else null */
    static ByteBuffer directView(NDArray a) {
        if (a.getDataType() != DataType.FLOAT32 || !a.getDevice().equals(Device.cpu()) || a.isSparse()) {
            return null;
        }
        int n = Math.toIntExact(a.size());
        ByteBuffer b = a.toByteBuffer(true);  // a view where the tensor is contiguous, a copy otherwise
        if (!b.isDirect() || b.capacity() != n * Float.BYTES) {
            return null;
        }
        return b.order(ByteOrder.nativeOrder());
    }

    /** Delegates everything to the real weight except {@code getNDArrayInternal}, whose updates run fused. */
    private final class WeightHandler implements InvocationHandler {
        private final NDArray real;
        private final NDArrayEx ex;

        WeightHandler(NDArray real) {
            this.real = real;
            this.ex = (NDArrayEx) Proxy.newProxyInstance(NDArrayEx.class.getClassLoader(),
                    new Class<?>[] {NDArrayEx.class}, this::exInvoke);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("getNDArrayInternal") && method.getParameterCount() == 0) {
                return ex;
            }
            if (method.getName().equals("equals") && args != null && args.length == 1) {
                return args[0] == proxy || real.equals(args[0]);
            }
            return call(real, method, args);
        }

        private Object exInvoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "adamUpdate" -> {
                    if (args.length == 12 && !(Boolean) args[11] && adam(args)) {
                        return null;
                    }
                }
                case "sgdUpdate" -> {
                    if (args.length == 8 && sgd(args)) {
                        return null;
                    }
                }
                default -> {
                }
            }
            // DJL's own path, with the real weight in place of this proxy
            Object[] realArgs = args == null ? null : args.clone();
            if (realArgs != null) {
                for (int i = 0; i < realArgs.length; i++) {
                    if (realArgs[i] instanceof NDList l) {
                        NDList r = new NDList(l.size());
                        for (NDArray a : l) {
                            r.add(a == proxy || a == proxies.get(real) ? real : a);
                        }
                        realArgs[i] = r;
                    }
                }
            }
            return call(real.getNDArrayInternal(), method, realArgs);
        }

        /** DJL's {@code adamUpdate(inputs = [w, g, m, v], weights, lr, lrbc, wd, rescale, clip, b1, b2, eps, ...)}. */
        private boolean adam(Object[] a) {
            NDList in = (NDList) a[0];
            ByteBuffer w = view(real);
            ByteBuffer m = view(in.get(2));
            ByteBuffer v = view(in.get(3));
            ByteBuffer g = directView(in.get(1));
            if (w == null || m == null || v == null || g == null || !sameSize(w, g, m, v)) {
                return false;
            }
            Kernels.adam(w, g, m, v, (Float) a[3], (Float) a[4], (Float) a[5], (Float) a[6], (Float) a[7],
                    (Float) a[8], (Float) a[9]);
            return true;
        }

        /** DJL's {@code sgdUpdate(inputs = [w, g(, state)], weights, lr, wd, rescale, clip, momentum, lazy)}. */
        private boolean sgd(Object[] a) {
            NDList in = (NDList) a[0];
            float momentum = (Float) a[6];
            ByteBuffer w = view(real);
            ByteBuffer g = directView(in.get(1));
            ByteBuffer s = momentum == 0f ? w : (in.size() > 2 ? view(in.get(2)) : null);
            if (w == null || g == null || s == null || !sameSize(w, g, s, s)) {
                return false;
            }
            Kernels.sgd(w, g, momentum == 0f ? null : s, (Float) a[2], (Float) a[3], (Float) a[4], (Float) a[5],
                    momentum);
            return true;
        }
    }

    private static boolean sameSize(ByteBuffer a, ByteBuffer b, ByteBuffer c, ByteBuffer d) {
        int n = a.capacity();
        return b.capacity() == n && c.capacity() == n && d.capacity() == n;
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The element-wise updates: the Vector API where the JVM has it, else scalar loops with the same rounding. */
    static final class Kernels {
        private static final boolean SIMD;

        static {
            long t0 = System.nanoTime();
            String problem = simdProblem();
            SIMD = problem == null;
            kernelStatus = SIMD ? String.format(java.util.Locale.ROOT, "on (Vector API, %d lanes; checked and compiled in %.1f s)",
                    FusedVectorKernels.lanes(), (System.nanoTime() - t0) / 1e9) : "off: " + problem;
        }

        private Kernels() {
        }

        /** @return null where the vector loops run, else why not */
        private static String simdProblem() {
            if (!Boolean.parseBoolean(System.getProperty("nnzoo.fusedUpdate.simd", "true"))) {
                return "-Dnnzoo.fusedUpdate.simd=false";
            }
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return "the JVM runs without --add-modules jdk.incubator.vector";
            }
            try {
                return FusedVectorKernels.problem();
            } catch (LinkageError | RuntimeException e) {
                return "the Vector API failed: " + e;
            }
        }

        /**
         * @return whether the updates run through the Vector API: where the JVM has the incubator module and the vector
         *     loops match the scalar ones bit for bit (checked once, which also has C2 compile them)
         */
        static boolean simd() {
            return SIMD;
        }

        // excerpt-begin: adam
        /**
         * DJL's Adam step, per element, in ATen's order of operations and roundings:
         * {@code g' = min(g * rescale, clip) + wd * w; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2;
         * w -= (lrbc m) / (sqrt(v) + eps); g = 0}.
         */
        static void adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, float lrbc, float wd,
                float rescale, float clip, float b1, float b2, float eps) {
            adam(w, g, m, v, lrbc, wd, rescale, clip, b1, b2, eps, SIMD);
        }

        /** {@link #adam}, through the vector loop where {@code simd}, else the scalar loop alone. */
        static void adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, float lrbc, float wd,
                float rescale, float clip, float b1, float b2, float eps, boolean simd) {
            int n = w.capacity() / Float.BYTES;
            int i = simd ? FusedVectorKernels.adam(w, g, m, v, lrbc, wd, rescale, clip, b1, b2, eps) : 0;
            float c1 = 1 - b1;
            float c2 = 1 - b2;
            for (; i < n; i++) {
                float wi = w.getFloat(i << 2);
                float gi = g.getFloat(i << 2);
                if (rescale != 1f) {
                    gi = gi * rescale;
                }
                if (clip >= 0f) {
                    gi = Math.min(gi, clip);              // DJL clips from above only (clamp_max_)
                }
                gi = Math.fma(wi, wd, gi);                 // grad.add_(w, wd)
                float mi = Math.fma(gi, c1, m.getFloat(i << 2) * b1);         // m.mul_(b1).add_(g, 1 - b1)
                float vi = Math.fma(c2 * gi, gi, v.getFloat(i << 2) * b2);    // v.mul_(b2).addcmul_(g, g, 1 - b2)
                m.putFloat(i << 2, mi);
                v.putFloat(i << 2, vi);
                w.putFloat(i << 2, wi - (mi * lrbc) / ((float) Math.sqrt(vi) + eps));
                g.putFloat(i << 2, 0f);                                        // zeroGrad
            }
        }
        // excerpt-end: adam

        /**
         * DJL's SGD step: {@code g' = (min(g * rescale, clip) + wd * w) * lr}; without momentum {@code w -= g'}, with it
         * {@code s = momentum s + g'; w -= s}; then {@code g = 0}.
         */
        static void sgd(ByteBuffer w, ByteBuffer g, ByteBuffer s, float lr, float wd, float rescale, float clip,
                float momentum) {
            sgd(w, g, s, lr, wd, rescale, clip, momentum, SIMD);
        }

        /** {@link #sgd}, through the vector loop where {@code simd}, else the scalar loop alone. */
        static void sgd(ByteBuffer w, ByteBuffer g, ByteBuffer s, float lr, float wd, float rescale, float clip,
                float momentum, boolean simd) {
            int n = w.capacity() / Float.BYTES;
            int i = simd ? FusedVectorKernels.sgd(w, g, s, lr, wd, rescale, clip, momentum) : 0;
            for (; i < n; i++) {
                float wi = w.getFloat(i << 2);
                float gi = g.getFloat(i << 2);
                if (rescale != 1f) {
                    gi = gi * rescale;
                }
                if (clip >= 0f) {
                    gi = Math.min(gi, clip);
                }
                gi = Math.fma(wi, wd, gi) * lr;
                if (s == null) {
                    w.putFloat(i << 2, wi - gi);
                } else {
                    float si = s.getFloat(i << 2) * momentum + gi;
                    s.putFloat(i << 2, si);
                    w.putFloat(i << 2, wi - si);
                }
                g.putFloat(i << 2, 0f);
            }
        }
    }
}
