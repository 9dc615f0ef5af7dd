package org.nnzoo.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API ({@code jdk.incubator.vector}) loops of {@link FusedUpdate.Kernels}: the same operations in the same
 * order, each lane rounding exactly like the scalar loop (IEEE multiply, add, divide, square root, fused multiply-add),
 * so the results are the same bit for bit. Each returns the index where the scalar loop takes over (the tail).
 * Only loaded when the JVM has the incubator module ({@code --add-modules jdk.incubator.vector}).
 */
final class FusedVectorKernels {
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

    private FusedVectorKernels() {
    }

    /**
     * @return whether the vector loops give the scalar loops' results bit for bit here, checked on a few thousand
     *     values with awkward magnitudes (denormals too). Then the loops run on a short buffer until HotSpot's C2
     *     has compiled them (under a second, once per JVM): until then the Vector API runs interpreted or in C1,
     *     allocating an object per operation, some 50 times slower than DJL's native update, which would make the
     *     first hundreds of training steps slower instead of faster.
     */
    static boolean available() {
        return problem() == null;
    }

    /** @return the lanes of a float vector here (the Vector API's preferred species) */
    static int lanes() {
        return SP.length();
    }

    /** @return null where {@link #available()}, else why not, in a few words */
    static String problem() {
        if (SP.length() < 4) {
            return "float vectors of " + SP.length() + " lanes";
        }
        long end = System.nanoTime() + 20_000_000_000L; // the check's limit (a busy machine, a JVM without C2's vectors)
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int round = 0; round < 8; round++) {
            ByteBuffer[] a = buffers(4096 + 5, r, -40);
            ByteBuffer[] b = buffers(4096 + 5, new java.util.SplittableRandom(0), -40);
            for (int k = 0; k < a.length; k++) {
                b[k].put(a[k].duplicate()).clear();
            }
            run(a, round, true);
            run(b, round, false);
            if (System.nanoTime() > end) {
                return "the vector loops' check took over 20 s";
            }
            for (int k = 0; k < a.length; k++) {
                if (!a[k].equals(b[k])) {
                    return "the vector loops' results differ from the scalar loops' (variant " + round + ")";
                }
            }
        }
        // until C2 has compiled each loop. Compiled, a call on these values (259 with AVX-512) takes well under a
        // microsecond (about 1.5 ns a value on this project's machine), against 6-12 us where C2 could not inline the
        // Vector API's internals, 100 us in C1 and 5 ms interpreted: five calls in a row under 8 ns a value count as
        // compiled. Each variant is called through its own lambda class and all four take turns, so the call site
        // below sees four receivers and C2 does not inline them into this method's own (on-stack-replacement)
        // compilation, which runs out of inlining budget: every variant is measured as its own compiled code, the way
        // training calls it. The bound is absolute: the first call may already run compiled code (the variants share
        // their loops). The buffers are reset before each call and hold no denormals: Adam's moments decaying over
        // thousands of calls on a zeroed gradient became denormal and took microcode's time on a thread that does not
        // flush them. Past the limit, DJL's own update is used.
        ByteBuffer[] start = buffers(16 * SP.length() + 3, r, -3);
        ByteBuffer[] warm = buffers(16 * SP.length() + 3, r, -3);
        Runnable[] variants = {() -> run(warm, 0, true), () -> run(warm, 1, true), () -> run(warm, 2, true),
            () -> run(warm, 3, true)};
        long compiled = 8L * warm[0].capacity() / Float.BYTES;
        int[] fast = new int[variants.length];
        while (java.util.Arrays.stream(fast).min().getAsInt() < 5) {
            if (System.nanoTime() > end) {
                return "the vector loops were not compiled within 20 s (a busy machine?)";
            }
            for (int v = 0; v < variants.length; v++) {
                for (int k = 0; k < warm.length; k++) {
                    warm[k].put(start[k].duplicate()).clear();
                }
                long t0 = System.nanoTime();
                variants[v].run();
                fast[v] = System.nanoTime() - t0 < compiled ? fast[v] + 1 : 0;
            }
        }
        // the interpreted vector loops left garbage, which made G1 grow the young generation (and the process's
        // resident memory) for good: a full collection shrinks the heap back
        System.gc();
        return null;
    }

    /** Five buffers of {@code n} floats, Gaussian times 10^e for e from {@code minExponent} (-40: denormals) to 2. */
    private static ByteBuffer[] buffers(int n, java.util.SplittableRandom r, int minExponent) {
        ByteBuffer[] a = new ByteBuffer[5];
        for (int k = 0; k < 5; k++) {
            a[k] = ByteBuffer.allocateDirect(n * Float.BYTES).order(NATIVE);
            for (int i = 0; i < n; i++) {
                float v = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(minExponent, 3)));
                a[k].putFloat(i * Float.BYTES, k == 3 ? Math.abs(v) : v); // a[3]: Adam's v is not negative
            }
        }
        return a;
    }

    /** Adam with/without rescaling and clipping, SGD with/without momentum and clipping, by {@code i % 4}. */
    private static void run(ByteBuffer[] a, int i, boolean simd) {
        float clip = i % 8 < 4 ? -1f : 0.5f;
        switch (i % 4) {
            case 0 -> FusedUpdate.Kernels.adam(a[0], a[1], a[2], a[3], 1e-3f, 0f, 1f, clip, 0.9f, 0.999f, 1e-8f, simd);
            case 1 -> FusedUpdate.Kernels.adam(a[0], a[1], a[2], a[3], 1e-3f, 0.01f, 0.5f, clip, 0.8f, 0.99f, 1e-6f, simd);
            case 2 -> FusedUpdate.Kernels.sgd(a[0], a[1], null, 0.1f, 0f, 1f, clip, 0f, simd);
            default -> FusedUpdate.Kernels.sgd(a[0], a[1], a[4], 0.05f, 1e-4f, 1f, clip, 0.9f, simd);
        }
    }

    static int adam(ByteBuffer w, ByteBuffer g, ByteBuffer m, ByteBuffer v, float lrbc, float wd, float rescale,
            float clip, float b1, float b2, float eps) {
        int n = w.capacity() / Float.BYTES;
        int up = SP.loopBound(n);
        float c1 = 1 - b1;
        float c2 = 1 - b2;
        FloatVector zero = FloatVector.zero(SP);
        FloatVector wdv = FloatVector.broadcast(SP, wd);
        FloatVector c1v = FloatVector.broadcast(SP, c1);
        for (int i = 0; i < up; i += SP.length()) {
            int o = i * Float.BYTES;
            FloatVector wi = FloatVector.fromByteBuffer(SP, w, o, NATIVE);
            FloatVector gi = FloatVector.fromByteBuffer(SP, g, o, NATIVE);
            if (rescale != 1f) {
                gi = gi.mul(rescale);
            }
            if (clip >= 0f) {
                gi = gi.lanewise(VectorOperators.MIN, clip);
            }
            gi = wi.fma(wdv, gi);
            FloatVector mi = gi.fma(c1v, FloatVector.fromByteBuffer(SP, m, o, NATIVE).mul(b1));
            FloatVector vi = gi.mul(c2).fma(gi, FloatVector.fromByteBuffer(SP, v, o, NATIVE).mul(b2));
            mi.intoByteBuffer(m, o, NATIVE);
            vi.intoByteBuffer(v, o, NATIVE);
            wi.sub(mi.mul(lrbc).div(vi.sqrt().add(eps))).intoByteBuffer(w, o, NATIVE);
            zero.intoByteBuffer(g, o, NATIVE);
        }
        return up;
    }

    static int sgd(ByteBuffer w, ByteBuffer g, ByteBuffer s, float lr, float wd, float rescale, float clip,
            float momentum) {
        int n = w.capacity() / Float.BYTES;
        int up = SP.loopBound(n);
        FloatVector zero = FloatVector.zero(SP);
        FloatVector wdv = FloatVector.broadcast(SP, wd);
        for (int i = 0; i < up; i += SP.length()) {
            int o = i * Float.BYTES;
            FloatVector wi = FloatVector.fromByteBuffer(SP, w, o, NATIVE);
            FloatVector gi = FloatVector.fromByteBuffer(SP, g, o, NATIVE);
            if (rescale != 1f) {
                gi = gi.mul(rescale);
            }
            if (clip >= 0f) {
                gi = gi.lanewise(VectorOperators.MIN, clip);
            }
            gi = wi.fma(wdv, gi).mul(lr);
            if (s == null) {
                wi.sub(gi).intoByteBuffer(w, o, NATIVE);
            } else {
                FloatVector si = FloatVector.fromByteBuffer(SP, s, o, NATIVE).mul(momentum).add(gi);
                si.intoByteBuffer(s, o, NATIVE);
                wi.sub(si).intoByteBuffer(w, o, NATIVE);
            }
            zero.intoByteBuffer(g, o, NATIVE);
        }
        return up;
    }
}
