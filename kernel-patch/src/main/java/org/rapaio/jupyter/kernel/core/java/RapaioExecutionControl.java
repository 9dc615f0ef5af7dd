package org.rapaio.jupyter.kernel.core.java;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.SPIResolutionException;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's {@code RapaioExecutionControl} (same binary interface),
 * patched by NN Zoo (environment/README.md, "Interrupt"). What 3.0.1 did on Jupyter's Interrupt, and what
 * this class does instead:
 * <ul>
 *   <li>3.0.1 cancelled the cell's task and reported "interrupted" at once, while the cell's code (a training
 *       loop that checks {@code Thread.interrupted()} between steps, or one that never checks) was still
 *       running; the next cell then ran beside it. Here the interrupt waits, at most {@link #interruptWaitMillis()}
 *       (10 s; system property {@code nnzoo.kernel.interruptWaitMillis}), for the code to actually stop, and the
 *       cell's error is the exception it stopped with (e.g. "interrupted at epoch 3, batch 212; ...").
 *       Code that does not stop in time is reported as still running in the background.</li>
 *   <li>3.0.1's {@code stop()} (which {@code JavaEngine.interrupt()} and {@code JShell.stop()} call right after
 *       the interrupt) shut the executor down, racing with the interrupted cell's own report
 *       ({@code StoppedException} instead of the interrupt marker). Here {@code stop()} only interrupts the
 *       running cells; the executor is shut down by {@link #close()}, when JShell closes.</li>
 * </ul>
 */
public class RapaioExecutionControl extends DirectExecutionControl {

    public static final String TIMEOUT_MARKER = "## Timeout Marker ##";
    public static final String INTERRUPTED_MARKER = "## Interrupted Marker ##";
    private static final AtomicInteger ID = new AtomicInteger(0);
    private static final long DEFAULT_INTERRUPT_WAIT_MILLIS = 10_000;

    private final ExecutorService executor;
    private final long timeoutTime;
    private final ConcurrentMap<String, Future<Object>> running = new ConcurrentHashMap<>();
    private final Map<String, Object> results = new ConcurrentHashMap<>();

    public RapaioExecutionControl(long timeoutTime) {
        this.timeoutTime = timeoutTime;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "Engine-thread-" + ID.getAndIncrement());
            t.setDaemon(true); // an abandoned cell (one that ignored an interrupt) must not keep the JVM alive
            return t;
        });
    }

    public long getTimeout() {
        return timeoutTime;
    }

    /** @return how long an interrupt waits for the cell's code to stop: {@code nnzoo.kernel.interruptWaitMillis}, else 10 s */
    static long interruptWaitMillis() {
        String v = System.getProperty("nnzoo.kernel.interruptWaitMillis");
        if (v != null) {
            try {
                return Math.max(0, Long.parseLong(v.trim()));
            } catch (NumberFormatException e) {
                System.err.println("[nnzoo kernel-patch] ignoring -Dnnzoo.kernel.interruptWaitMillis=" + v + ": not a number of milliseconds");
            }
        }
        return DEFAULT_INTERRUPT_WAIT_MILLIS;
    }

    public Object takeResult(String key) {
        Object result = results.remove(key);
        if (result == null) {
            throw new IllegalStateException("No result with key: " + key);
        }
        return result;
    }

    @Override
    protected String invoke(Method methodCall) throws Exception {
        String id = UUID.randomUUID().toString();
        Object value = execute(id, methodCall);
        results.put(id, value);
        return id;
    }

    private Object execute(String id, Method methodCall) throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Thread> runner = new AtomicReference<>();
        Future<Object> runningTask = executor.submit(() -> {
            runner.set(Thread.currentThread());
            try {
                return methodCall.invoke(null);
            } catch (Exception | Error t) {
                thrown.set(t);
                throw t;
            } finally {
                ended.countDown();
            }
        });
        running.put(id, runningTask);

        try {
            if (timeoutTime > 0) {
                return runningTask.get(timeoutTime, TimeUnit.MILLISECONDS);
            }
            return runningTask.get();
        } catch (CancellationException e) {
            throw interrupted(ended, thrown, runner.get(), e);
        } catch (ExecutionException e) {
            throw userException(e.getCause(), e);
        } catch (TimeoutException e) {
            throw new UserException("Execution timed out", TIMEOUT_MARKER, e.getStackTrace());
        } finally {
            running.remove(id, runningTask);
        }
    }

    /** The cell was interrupted: wait (bounded) for its code to stop, then report how it stopped. */
    private Exception interrupted(CountDownLatch ended, AtomicReference<Throwable> thrown, Thread runner, CancellationException e) {
        long wait = interruptWaitMillis();
        long deadline = System.nanoTime() + wait * 1_000_000L;
        boolean stopped = false;
        try {
            // wait in slices and interrupt again after each: code that swallowed one interrupt (a library that
            // catches InterruptedException and goes on) still sees the next
            while (!(stopped = ended.await(Math.min(100, wait), TimeUnit.MILLISECONDS)) && System.nanoTime() < deadline) {
                synchronized (org.rapaio.jupyter.kernel.channels.Channels.SEND_LOCK) {
                    if (runner != null && ended.getCount() > 0) {
                        runner.interrupt();
                    }
                }
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            stopped = ended.getCount() == 0;
        }
        if (!stopped) {
            StackTraceElement[] where = runner != null ? runner.getStackTrace() : new StackTraceElement[0];
            System.err.println("[nnzoo kernel-patch] interrupted cell still running after " + wait + " ms in " + runner
                    + " (interrupted: " + (runner != null && runner.isInterrupted()) + "):");
            for (StackTraceElement frame : where) {
                System.err.println("\tat " + frame);
            }
            return new UserException("Interrupted, but the cell's code did not stop within " + wait + " ms (it does not check "
                    + "Thread.interrupted()); it goes on in the background and may still change your variables: use "
                    + "Kernel > Restart to stop it", "java.util.concurrent.CancellationException", where);
        }
        Throwable cause = thrown.get();
        if (cause == null) { // the code noticed the interrupt and returned normally
            return new UserException("Execution interrupted.", INTERRUPTED_MARKER, e.getStackTrace());
        }
        return userException(cause, e);
    }

    /** The exception the cell's code threw, as JShell reports it (class name, message, stack). */
    private static Exception userException(Throwable cause, Exception wrapper) {
        if (cause instanceof InvocationTargetException) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return new UserException("null", "Unknown Invocation Exception", wrapper.getStackTrace());
        } else if (cause instanceof SPIResolutionException spiResCause) {
            return new ResolutionException(spiResCause.id(), cause.getStackTrace());
        } else {
            return new UserException(cause.getMessage(), cause.getClass().getName(), cause.getStackTrace());
        }
    }

    public void interrupt() {
        // never while a cell's thread sends a message: an interrupt inside a ZeroMQ send breaks the socket
        synchronized (org.rapaio.jupyter.kernel.channels.Channels.SEND_LOCK) {
            running.forEach((id, future) -> future.cancel(true));
        }
    }

    /** Interrupts the running cells; unlike 3.0.1, the executor stays usable for the next cell. */
    @Override
    public void stop() {
        interrupt();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        super.close();
    }
}
