package org.nnzoo.models.word2vec;

import java.util.Arrays;
import java.util.SplittableRandom;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API ({@code jdk.incubator.vector}, JDK 16+) versions of {@link Word2Vec#dot},
 * {@link Word2Vec#update} and {@link Word2Vec#axpy}, bit for bit equal to them. C2 does not vectorise the
 * scalar loops (a float sum is not reassociated, and the update writes two arrays it cannot prove
 * distinct), so these are about 2-3x faster per kernel; gensim gets the same from BLAS
 * {@code sdot}/{@code saxpy}.
 *
 * <p>Why the bits are the same: the vector dot product keeps four partial sums in the four lanes of a
 * 128-bit vector, added in the same order as {@link Word2Vec#dot}'s four scalar sums, and the element-wise
 * kernels round exactly like their scalar loops (Java never fuses a multiply-add), so training gives the
 * same vectors either way ({@code Word2VecTest} checks it).
 *
 * <p>Only touched when {@link Word2Vec#SIMD} is true, so this class (and the incubator module) is never
 * loaded on a JVM started without {@code --add-modules jdk.incubator.vector}.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> SP = FloatVector.SPECIES_PREFERRED;

    private VectorKernels() {
    }

    /** {@link Word2Vec#dot}: lane k of one 128-bit vector is its partial sum {@code s_k}. */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector acc = FloatVector.zero(S4);
        int i = 0;
        for (; i + 3 < n; i += 4) {
            acc = acc.add(FloatVector.fromArray(S4, a, ao + i).mul(FloatVector.fromArray(S4, b, bo + i)));
        }
        float s0 = acc.lane(0);
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return (s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
    }

    /** {@link Word2Vec#update}. */
    static void update(float g, float[] syn1, int l2, float[] h, int hOff, float[] neu1e, int dim) {
        int i = 0;
        for (int up = SP.loopBound(dim); i < up; i += SP.length()) {
            FloatVector u = FloatVector.fromArray(SP, syn1, l2 + i);
            FloatVector.fromArray(SP, neu1e, i).add(u.mul(g)).intoArray(neu1e, i);
            u.add(FloatVector.fromArray(SP, h, hOff + i).mul(g)).intoArray(syn1, l2 + i);
        }
        for (; i < dim; i++) {
            float ui = syn1[l2 + i];
            neu1e[i] += g * ui;
            syn1[l2 + i] = ui + g * h[hOff + i];
        }
    }

    /** {@link Word2Vec#axpy}. */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int up = SP.loopBound(n); i < up; i += SP.length()) {
            FloatVector.fromArray(SP, y, yo + i).add(FloatVector.fromArray(SP, x, xo + i).mul(a)).intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    /**
     * @return whether the hardware has vectors of at least 128 bits (else the Vector API would run its
     *     slow Java fallback) and the three kernels give the scalar results bit for bit on random data
     */
    static boolean matchesScalar() {
        if (SP.vectorBitSize() < 128) {
            return false;
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int n : new int[] {1, 3, 4, 7, 20, 37, 100, 300}) {
            float[] a = new float[n + 5];
            float[] b = new float[n + 7];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) r.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) r.nextDouble(-1, 1);
            }
            if (Float.floatToRawIntBits(dot(a, 5, b, 7, n)) != Float.floatToRawIntBits(Word2Vec.dot(a, 5, b, 7, n))) {
                return false;
            }
            float[] u1 = b.clone();
            float[] u2 = b.clone();
            float[] e1 = new float[n];
            float[] e2 = new float[n];
            update(0.37f, u1, 7, a, 5, e1, n);
            Word2Vec.update(0.37f, u2, 7, a, 5, e2, n);
            axpy(-0.61f, a, 5, u1, 7, n);
            Word2Vec.axpy(-0.61f, a, 5, u2, 7, n);
            if (!Arrays.equals(u1, u2) || !Arrays.equals(e1, e2)) {
                return false;
            }
        }
        return true;
    }
}
