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
 *       goes on; that one request is lost, and Jupyter clients send {@code kernel_info_request} again until
 *       they get an answer.</li>
 * </ol>
 * This jar is put before the kernel jar on the class path by the kernelspec that
 * {@code environment/install-kernel.sh} writes, so this class wins.
 */
public final class LoopThread extends Thread {

    private static final int MAX_REPORTED_FAILURES = 10;

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
