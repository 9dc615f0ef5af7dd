package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's {@code LoopThread}, with the same binary interface.
 *
 * <p>It fixes two start-up races of 3.0.1 that make Jupyter report "Kernel didn't respond":
 * <ol>
 *   <li>The shipped class sets its {@code running} flag only after {@code Thread.start()} returns, so the
 *       new thread can test the flag first, see {@code false} and end at once: the kernel's heartbeat or
 *       shell loop is then dead (8-28% of starts on a 2-core machine). Here the flag is raised before the
 *       thread starts.</li>
 *   <li>The channels start their loops before the kernel registers its message handlers. A request that
 *       arrives in that gap (Jupyter's first {@code kernel_info_request}) makes the shell loop body throw a
 *       {@code NullPointerException}, which ended the shell thread for good (about 1 start in 50 once the
 *       first race is fixed). Here an exception thrown by the loop body is reported on stderr and the loop
 *       goes on. Worse, a request that finds the handler map present but not yet filled is dropped
 *       ("Unhandled message: kernel_info_request"), and the classic Notebook server sends that request
 *       only once, then waits 60 s. So each loop now waits, before its first iteration, until the thread
 *       that created it (the kernel's main thread) has finished wiring the channels, which it signals by
 *       blocking in {@code joinUntilClose}; requests that arrive meanwhile wait in the ZeroMQ socket.
 *       The wait is capped at {@link #MAX_START_WAIT_MS}; the catch below stays as a second line.</li>
 * </ol>
 * This jar is put before the kernel jar on the class path by the kernelspec that
 * {@code environment/install-kernel.sh} writes, so this class wins.
 */
public final class LoopThread extends Thread {

    private static final int MAX_REPORTED_FAILURES = 10;
    /** Longest wait for the kernel's main thread to finish wiring the channels, in milliseconds. */
    static final long MAX_START_WAIT_MS = 5_000;

    private final Thread creator = Thread.currentThread();

    private volatile boolean running;
    private int failures;
    private final long sleep;
    private final Runnable loopBody;

    /**
     * @param name     thread name
     * @param sleep    pause between two runs of the body, in milliseconds
     * @param loopBody work done once per iteration
     */
    public LoopThread(String name, long sleep, Runnable loopBody) {
        super(name);
        this.sleep = sleep;
        this.loopBody = loopBody;
    }

    @Override
    public void run() {
        awaitChannelsWired();
        while (running) {
            try {
                loopBody.run();
            } catch (RuntimeException e) {
                if (!running) {
                    return; // shutting down: the socket was closed under the loop, nothing to report
                }
                // one bad iteration must not kill the channel: report it (the first few times) and keep serving
                if (++failures <= MAX_REPORTED_FAILURES) {
                    System.err.println("[nnzoo kernel-patch] " + getName() + ": loop iteration failed, continuing: " + e);
                    e.printStackTrace();
                }
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                running = false;
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Returns once the creating thread waits in a {@code joinUntilClose} method (the kernel's main thread
     * does so right after it registered the message handlers), has ended, or after the cap.
     */
    private void awaitChannelsWired() {
        long deadline = System.nanoTime() + MAX_START_WAIT_MS * 1_000_000L;
        while (running && System.nanoTime() < deadline) {
            if (!creator.isAlive() || creator == this || joining(creator)) {
                return;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static boolean joining(Thread t) {
        Thread.State state = t.getState();
        if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getMethodName().equals("joinUntilClose")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized void start() {
        running = true; // raised before the thread exists: run() can never see the initial false
        super.start();
    }

    /** Asks the loop to end after its current iteration. */
    public void shutdown() {
        running = false;
    }
}
