package org.nnzoo.train;

/**
 * A hook into {@link Fit}'s training step: told at the start and end of each epoch and after each phase of each step.
 * {@link PhaseTimes} (per-phase wall-clock times) is the one Fit uses; {@link #NONE} does nothing.
 */
interface StepListener {

    /** The phases of one training step, in order. */
    enum Phase {
        NEXT_BATCH("next batch"),
        FORWARD("forward"),
        LOSS("loss"),
        BACKWARD("backward"),
        OPTIMIZER_STEP("optimizer step"),
        LOSS_READ("loss read"),
        CORRECT_COUNT("correct count"),
        /** The last phase of a step: closing the batch (freeing its arrays) and updating the progress view. */
        CLOSE_BATCH("close batch + progress");

        final String label;

        Phase(String label) {
            this.label = label;
        }
    }

    /** The listener that does nothing. */
    StepListener NONE = new StepListener() {
    };

    /** Called before the first batch of each epoch. */
    default void epochStarted() {
    }

    /** Called when {@code phase} of the current step has finished. */
    default void after(Phase phase) {
    }

    /** Called after the last batch of epoch {@code epoch} (0-based), before validation. */
    default void epochEnded(int epoch) {
    }
}
