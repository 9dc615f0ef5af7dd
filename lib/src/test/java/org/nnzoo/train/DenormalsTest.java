package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * {@link Denormals}: after {@code onThisThread()} a PyTorch product that makes denormals gives zeros in every element,
 * also in the half that the second OpenMP thread computes, and also when that thread's team of workers existed before
 * the call; a thread that never called it (or with the switch off) keeps IEEE's gradual underflow, so the checks can
 * fail. Each case runs on a fresh thread, whose floating-point control bits are the JVM's defaults.
 */
class DenormalsTest {

    /** 2^20 elements: above ATen's grain size, so an element-wise product runs on both PyTorch threads. */
    private static final int N = 1 << 20;
    private static final float TINY = 1e-30f; // times 1e-10: 1e-40, a denormal under gradual underflow

    /** @return how many of the N products 1e-30 * 1e-10 came out non-zero, counted in the first and second half */
    private static long[] denormalProducts() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(N), TINY);
            float[] y = x.mul(1e-10f).toFloatArray();
            long[] nonZero = new long[2];
            for (int i = 0; i < N; i++) {
                if (y[i] != 0f) {
                    nonZero[i < N / 2 ? 0 : 1]++;
                }
            }
            return nonZero;
        }
    }

    private static <T> T onFreshThread(Supplier<T> body) throws InterruptedException {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Throwable> err = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                out.set(body.get());
            } catch (Throwable e) { // NOPMD: handed to the test thread
                err.set(e);
            }
        });
        t.start();
        t.join();
        if (err.get() != null) {
            throw new AssertionError(err.get());
        }
        return out.get();
    }

    @Test
    void aThreadThatNeverAskedKeepsGradualUnderflow() throws InterruptedException {
        Engine.getInstance();
        long[] nonZero = onFreshThread(DenormalsTest::denormalProducts);
        assertEquals(N / 2, nonZero[0], "first half: 1e-30 * 1e-10 is the denormal 1e-40 without the flush");
        assertEquals(N / 2, nonZero[1], "second half");
    }

    @Test
    void flushedOnTheCallerAndOnTheWorkersItsTeamHadBefore() throws InterruptedException {
        Engine.getInstance();
        assertTrue(Denormals.status().startsWith("on"), Denormals.status());
        long[][] r = onFreshThread(() -> {
            long[] before = denormalProducts(); // makes this thread's OpenMP team, without the flush
            Denormals.onThisThread();
            long[] after = denormalProducts();
            return new long[][] {before, after};
        });
        assertEquals(N / 2, r[0][0], "before the call: gradual underflow");
        assertEquals(N / 2, r[0][1], "before the call: gradual underflow (worker)");
        assertEquals(0, r[1][0], "after the call: flushed on the calling thread's share");
        assertEquals(0, r[1][1], "after the call: flushed on the worker's share too (its team was renewed)");
    }

    @Test
    void javaArithmeticOnTheThreadFlushesToo() throws InterruptedException {
        Engine.getInstance();
        float[] tiny = {TINY}; // read at run time, so the compiler cannot fold the product
        float[] r = onFreshThread(() -> {
            float before = tiny[0] * 1e-10f;
            Denormals.onThisThread();
            float after = tiny[0] * 1e-10f;
            return new float[] {before, after};
        });
        assertTrue(r[0] > 0f && r[0] < Float.MIN_NORMAL, "before: a denormal, got " + r[0]);
        assertEquals(0f, r[1], "after: HotSpot keeps the native call's flush bits for this thread's Java code");
    }

    /** Called reflectively below: sets the flush inside a reflective call, as a notebook cell's statement does. */
    public static boolean flushInside() {
        Denormals.onThisThread();
        return Denormals.flushingHere();
    }

    /**
     * The notebook kernel (JShell) runs each statement through a reflective call, and HotSpot gives every entry into
     * Java from native code the JVM's default bits and the caller's back on return: a flush set inside ends with the
     * call, and the next call to {@code onThisThread()} must notice that and set it again (it asks the thread, not a
     * flag of its own).
     */
    @Test
    void aFlushSetInsideAReflectiveCallEndsWithItAndIsSetAgain() throws InterruptedException {
        Engine.getInstance();
        boolean[] r = onFreshThread(() -> {
            try {
                boolean inside = (Boolean) DenormalsTest.class.getMethod("flushInside").invoke(null);
                boolean afterReturn = Denormals.flushingHere();
                Denormals.onThisThread();
                long[] nonZero = denormalProducts();
                return new boolean[] {inside, afterReturn, Denormals.flushingHere(), nonZero[0] + nonZero[1] == 0};
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(r[0], "flushing inside the reflective call");
        assertFalse(r[1], "the JVM's default bits again after it returned");
        assertTrue(r[2], "flushing again after onThisThread()");
        assertTrue(r[3], "and PyTorch's product flushed on both threads");
    }

    @Test
    void theSwitchTurnsItOff() throws InterruptedException {
        Engine.getInstance();
        String old = System.getProperty("nnzoo.flushDenormals");
        System.setProperty("nnzoo.flushDenormals", "false");
        try {
            long[] nonZero = onFreshThread(() -> {
                Denormals.onThisThread();
                return denormalProducts();
            });
            assertEquals(N, nonZero[0] + nonZero[1], "off: gradual underflow everywhere");
            assertTrue(Denormals.status().startsWith("off"), Denormals.status());
        } finally {
            TestProperties.restore("nnzoo.flushDenormals", old);
        }
    }
}
