package org.rapaio.jupyter.kernel.channels;

/**
 * Replacement for rapaio-jupyter-kernel 3.0.1's {@code LoopThread}, with the same binary interface.
 *
 * <p>The shipped class sets its {@code running} flag only after {@code Thread.start()} returns, so the
 * new thread can test the flag first, see {@code false} and end at once: the kernel's heartbeat or shell
 * loop is then dead and Jupyter reports "Kernel didn't respond" (8-28% of starts on a 2-core machine).
 * Here the flag is raised before the thread starts. This jar is put before the kernel jar on the class
 * path by the kernelspec that {@code environment/install-kernel.sh} writes, so this class wins.
 */
public final class LoopThread extends Thread {

    private volatile boolean running;
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
            loopBody.run();
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
