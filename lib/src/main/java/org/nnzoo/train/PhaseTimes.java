package org.nnzoo.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the time of {@link Fit}'s training steps goes: wall-clock microseconds per batch for each phase of the
 * step ({@link StepListener.Phase}), printed once per epoch. Off by default; switch it on with
 * {@code -Dnnzoo.fit.phases=true} or the environment variable {@code NNZOO_FIT_PHASES=1} (the benchmark's Python
 * side, {@code environment/bench_torch.py}, prints the same phases under the same variable). It costs one clock read
 * per phase when on and nothing when off.
 */
final class PhaseTimes implements StepListener {

    /** The phases' names, in the order of a step. */
    static final String[] NAMES = Arrays.stream(Phase.values()).map(p -> p.label).toArray(String[]::new);

    private final String title;
    private final long[] nanos = new long[NAMES.length];
    private long last;
    private int batches;

    private PhaseTimes(String title) {
        this.title = title;
    }

    /** @return a timer that prints under {@code title} if phase timing is switched on, {@link #NONE} otherwise */
    static StepListener fromSettings(String title) {
        boolean on = "true".equalsIgnoreCase(System.getProperty("nnzoo.fit.phases"))
                || "1".equals(System.getenv("NNZOO_FIT_PHASES"));
        return on ? new PhaseTimes(title) : NONE;
    }

    @Override
    public void epochStarted() {
        last = System.nanoTime();
    }

    /** Charges the time since the previous phase to {@code phase}; the last phase of a step counts the batch. */
    @Override
    public void after(Phase phase) {
        long now = System.nanoTime();
        nanos[phase.ordinal()] += now - last;
        last = now;
        if (phase == Phase.CLOSE_BATCH) {
            batches++;
        }
    }

    @Override
    public void epochEnded(int epoch) {
        System.out.println(report(epoch));
    }

    /** @return one line, microseconds per batch for each phase, and resets the counters */
    String report(int epoch) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: epoch %d phases, us per batch (%d batches):",
                title, epoch + 1, batches));
        long total = 0;
        for (int i = 0; i < NAMES.length; i++) {
            s.append(String.format(Locale.ROOT, " %s %.0f;", NAMES[i], nanos[i] / 1e3 / Math.max(1, batches)));
            total += nanos[i];
        }
        s.append(String.format(Locale.ROOT, " total %.0f", total / 1e3 / Math.max(1, batches)));
        Arrays.fill(nanos, 0);
        batches = 0;
        return s.toString();
    }
}
