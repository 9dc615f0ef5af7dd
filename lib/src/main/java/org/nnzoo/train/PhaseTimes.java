package org.nnzoo.train;

import java.util.Locale;

/**
 * Where the time of {@link Fit}'s training steps goes: wall-clock microseconds per batch for each phase of the
 * step, printed once per epoch. Off by default; switch it on with {@code -Dnnzoo.fit.phases=true} or the
 * environment variable {@code NNZOO_FIT_PHASES=1} (the benchmark's Python side, {@code environment/bench_torch.py},
 * prints the same phases under the same variable). It costs two clock reads per phase when on and nothing when off.
 */
final class PhaseTimes {

    /** The phases, in the order of a step. */
    static final String[] NAMES = {"next batch", "forward", "loss", "backward", "optimizer step", "loss read",
        "correct count", "close batch + progress"};

    private final boolean on;
    private final long[] nanos = new long[NAMES.length];
    private long last;
    private int batches;

    private PhaseTimes(boolean on) {
        this.on = on;
    }

    /** @return a timer that measures if phase timing is switched on, and does nothing otherwise */
    static PhaseTimes fromSettings() {
        return new PhaseTimes("true".equalsIgnoreCase(System.getProperty("nnzoo.fit.phases"))
                || "1".equals(System.getenv("NNZOO_FIT_PHASES")));
    }

    /** @return whether this timer measures (and {@link #report} has something to say) */
    boolean on() {
        return on;
    }

    /** Starts the clock (at the start of an epoch). */
    void start() {
        if (on) {
            last = System.nanoTime();
        }
    }

    /** Charges the time since the previous mark to {@code phase}. */
    void mark(int phase) {
        if (on) {
            long now = System.nanoTime();
            nanos[phase] += now - last;
            last = now;
        }
    }

    /** Counts one finished batch. */
    void batchDone() {
        if (on) {
            batches++;
        }
    }

    /** @return one line, microseconds per batch for each phase, and resets the counters */
    String report(String title, int epoch) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: epoch %d phases, us per batch (%d batches):",
                title, epoch + 1, batches));
        long total = 0;
        for (int i = 0; i < NAMES.length; i++) {
            s.append(String.format(Locale.ROOT, " %s %.0f;", NAMES[i], nanos[i] / 1e3 / Math.max(1, batches)));
            total += nanos[i];
        }
        s.append(String.format(Locale.ROOT, " total %.0f", total / 1e3 / Math.max(1, batches)));
        java.util.Arrays.fill(nanos, 0);
        batches = 0;
        return s.toString();
    }
}
