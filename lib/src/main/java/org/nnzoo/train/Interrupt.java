package org.nnzoo.train;

import java.util.concurrent.CancellationException;

/**
 * The notebook's Interrupt button for the library's long loops (training, sampling, evolution, STDP).
 *
 * <p>Jupyter's Interrupt makes the kernel interrupt the thread that runs the cell. A loop calls
 * {@link #check} once per step (a batch, a denoising step, an environment step, a generation): when the thread
 * was interrupted it throws {@link Stopped} whose message says where the loop stopped and what the model keeps,
 * e.g. "interrupted at epoch 3, batch 212; the model keeps the weights of the last completed step". The loop
 * stops between two steps, so the model is consistent; the scoped {@code NDManager}s and {@code try} blocks on
 * the way out release native memory and end worker threads. The check only reads the thread's interrupt flag
 * (it does not clear it, so an enclosing loop stops too) and never changes a result.
 */
public final class Interrupt {

    /** What the model keeps when training stops between two steps. */
    public static final String KEEPS_WEIGHTS = "the model keeps the weights of the last completed step";

    private Interrupt() {
    }

    /** Thrown by {@link #check}: the loop stopped cleanly between two steps because the cell was interrupted. */
    public static final class Stopped extends CancellationException {
        private static final long serialVersionUID = 1L;

        Stopped(String message) {
            super(message);
        }
    }

    /** @return whether the thread running the cell was interrupted (the flag is left as it is) */
    public static boolean requested() {
        return Thread.currentThread().isInterrupted();
    }

    /**
     * Stops the loop if the cell was interrupted.
     *
     * @param where where the loop is, e.g. "epoch 3, batch 212" (built only when it stops)
     * @param keeps what the caller keeps, e.g. {@link #KEEPS_WEIGHTS}
     * @throws Stopped "interrupted at WHERE; KEEPS"
     */
    public static void check(java.util.function.Supplier<String> where, String keeps) {
        if (requested()) {
            throw stopped(where.get(), keeps);
        }
    }

    /** @return the exception {@link #check} throws: "interrupted at WHERE; KEEPS" */
    public static Stopped stopped(String where, String keeps) {
        return new Stopped("interrupted at " + where + "; " + keeps);
    }
}
