package org.nnzoo.train;

import ai.djl.Model;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

/**
 * The one recipe the character language models of chapters 5, 6, 7 and 9 (RNN, GRU, LSTM, Transformer) are
 * trained with, so that their bits per character compare: random windows of the training text
 * ({@link TokenWindows#random}, seed 42), {@link SequenceCrossEntropy}, Adam with element-wise gradient
 * clipping at 1, a learning rate that rises linearly from {@code peak / 100} over {@code warmup} steps and then
 * follows a cosine to {@code peak / 10}, and {@link Fit} (seed 42) with the validation loss measured
 * {@code evaluations} times. Only the model, the step count, the peak learning rate and the warm-up differ
 * between the chapters.
 *
 * <p>Equal training time, deterministically: the notebooks do not stop on the clock (the numbers would change
 * from run to run); each model gets the number of steps that its measured speed on the idle 2-core machine
 * turns into the same training-time budget, and records the seconds it actually took.
 */
public final class LmTraining {

    /** The outcome: the history (losses in nats), the wall-clock seconds and the characters trained on. */
    public static final class Run {
        private final History history;
        private final double seconds;
        private final long characters;
        private final int stepsPerEvaluation;

        Run(History history, double seconds, long characters, int stepsPerEvaluation) {
            this.history = history;
            this.seconds = seconds;
            this.characters = characters;
            this.stepsPerEvaluation = stepsPerEvaluation;
        }

        /** @return losses per evaluation (nats; divide by ln 2 for bits) */
        public History history() {
            return history;
        }

        /** @return wall-clock seconds of training, validation included */
        public double seconds() {
            return seconds;
        }

        /** @return characters predicted in training */
        public long characters() {
            return characters;
        }

        /** @return training steps between two validations (one "epoch" of the history) */
        public int stepsPerEvaluation() {
            return stepsPerEvaluation;
        }

        /** @return the last validation loss in bits per character */
        public double validationBpc() {
            return history.last("val_loss") / Math.log(2);
        }
    }

    private LmTraining() {
    }

    /**
     * Trains {@code model} (a block mapping {@code (B, T)} indices to {@code (B, T, V)} logits first).
     *
     * @param steps       training steps in all (a multiple of {@code evaluations} is used: rounded down)
     * @param evaluations how often the validation loss is measured (the epochs of the history)
     * @param valBatches  at most this many validation batches each time
     * @param peakLr      the learning rate after the warm-up
     * @param warmup      warm-up steps (0 for none)
     */
    public static Run fit(Model model, int[] train, int[] validation, int steps, int evaluations, int batch, int window,
            int valBatches, float peakLr, int warmup, String title) {
        if (evaluations < 1 || steps < evaluations) {
            throw new IllegalArgumentException("need evaluations >= 1 and steps >= evaluations, got steps=" + steps
                    + ", evaluations=" + evaluations);
        }
        if (!(peakLr > 0) || warmup < 0 || warmup >= steps) {
            throw new IllegalArgumentException("need peakLr > 0 and 0 <= warmup < steps, got peakLr=" + peakLr + ", warmup=" + warmup);
        }
        int per = steps / evaluations;
        int total = per * evaluations;
        // excerpt-begin: recipe
        TokenWindows trainWindows = TokenWindows.random(train, batch, window, per, 42);
        TokenWindows valWindows = TokenWindows.consecutive(validation, batch, window, valBatches);
        Tracker cosine = Tracker.cosine().setBaseValue(peakLr).optFinalValue(peakLr / 10).setMaxUpdates(total - warmup).build();
        Tracker lr = warmup == 0 ? cosine
                : WarmUpTracker.builder().setMainTracker(cosine).optWarmUpBeginValue(peakLr / 100).optWarmUpSteps(warmup).build();
        // every gradient element is clipped to [-1, 1] before the Adam update: exploding gradients stay bounded
        Optimizer adam = Optimizer.adam().optClipGrad(1f).optLearningRateTracker(lr).build();
        // excerpt-skip: start the clock
        long t0 = System.nanoTime();
        // excerpt-resume
        History h = Fit.of(model, trainWindows).validation(valWindows).loss(new SequenceCrossEntropy())
                .optimizer(adam).epochs(evaluations).seed(42).title(title).run();
        // excerpt-end: recipe
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new Run(h, seconds, (long) evaluations * trainWindows.tokensPerEpoch(), per);
    }

    /** @return the mean loss of {@code model} on {@code ids} in bits per character (consecutive windows) */
    public static double bpc(Model model, int[] ids, int batch, int window, int maxBatches) {
        return Evaluation.meanLoss(model, TokenWindows.consecutive(ids, batch, window, maxBatches), new SequenceCrossEntropy())
                / Math.log(2);
    }
}
