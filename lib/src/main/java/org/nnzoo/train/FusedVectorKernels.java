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

    /** @return whether the species works here (touching it loads the incubator classes) */
    static boolean available() {
        return SP.length() >= 4;
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
