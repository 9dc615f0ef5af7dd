package org.nnzoo.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

import ai.djl.Model;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.tracker.WarmUpTracker;

import org.nnzoo.models.PointerNetwork;
import org.nnzoo.models.Transformer;
import org.nnzoo.train.BatchSource;
import org.nnzoo.train.CharCorpus;
import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.SequenceCrossEntropy;
import org.nnzoo.train.TokenWindows;

/**
 * The benchmark rows {@code transformer} and {@code pointer}: the training steps of chapters 9 and 15 as the
 * notebooks' default profile runs them (the middle value of every {@code Profile.pick}), through the same library
 * path ({@link Fit} with the chapter's data source, loss and optimizer), without the validation passes the
 * notebooks interleave. One unit is one training step (one optimizer update on one batch).
 *
 * <ul>
 * <li>{@code transformer}: {@link Transformer}(vocab, d 128, 4 heads, 2 blocks, FFN 512) on random windows of 64
 * characters of the ABC training text ({@link CharCorpus}, {@link TokenWindows#random}, seed 42), batch 32,
 * {@link SequenceCrossEntropy}, Adam with element-wise gradient clipping at 1 and {@link org.nnzoo.train.LmTraining}'s
 * schedule for the notebook's 1,950 steps (linear warm-up from 2e-5 over 200 steps to 2e-3, then a cosine to 2e-4
 * over the remaining 1,750): the benchmark's steps are the first steps of the notebook's run.</li>
 * <li>{@code pointer}: {@link PointerNetwork}(hidden 128) on the sorting task ({@link PointerNetwork#sortingTask}:
 * n = 10 uniform numbers, teacher forcing, seed 42), batch 128, {@link SequenceCrossEntropy}, Adam with clipping at
 * 1 and the notebook's cosine 3e-3 to 1e-4 over 60 x 80 steps.</li>
 * </ul>
 * Options: {@code --steps N} (steps per epoch; default 50 and 80), {@code --epochs E} (at least 2; the first is a
 * warm-up), {@code --batch B} (default the notebook's: 32 and 128).
 */
final class SequenceBench {

    private SequenceBench() {
    }

    // chapter 9's default profile (notebooks/09-transformer.ipynb)
    static final int LM_D_MODEL = 128;
    static final int LM_HEADS = 4;
    static final int LM_LAYERS = 2;
    static final int LM_WINDOW = 64;
    static final int LM_BATCH = 32;
    static final int LM_NOTEBOOK_STEPS = 1950;
    static final int LM_WARMUP = 200;
    static final float LM_PEAK_LR = 2e-3f;
    // chapter 15's default profile (notebooks/15-pointer-network.ipynb)
    static final int PTR_N = 10;
    static final int PTR_HIDDEN = 128;
    static final int PTR_BATCH = 128;
    static final int PTR_NOTEBOOK_EPOCHS = 60;
    static final int PTR_NOTEBOOK_BATCHES = 80;

    static void run(String name, Map<String, String> opt) {
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "4"));
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2 (the first is a warm-up), got " + epochs);
        }
        long t0 = System.nanoTime();
        Model model;
        BatchSource data;
        Optimizer optimizer;
        int steps;
        int batch;
        switch (name) {
            case "transformer" -> {
                steps = Integer.parseInt(opt.getOrDefault("steps", "50"));
                batch = Integer.parseInt(opt.getOrDefault("batch", String.valueOf(LM_BATCH)));
                CharCorpus text = CharCorpus.load();
                model = Model.newInstance("transformer-lm");
                model.setBlock(new Transformer(text.vocabSize(), LM_D_MODEL, LM_HEADS, LM_LAYERS, 4 * LM_D_MODEL));
                // LmTraining.fit's recipe with the notebook's arguments (lmSteps 1950, evaluations 10, peak 2e-3,
                // warm-up 200), its validation windows left out
                data = TokenWindows.random(text.train(), batch, LM_WINDOW, steps, 42);
                Tracker cosine = Tracker.cosine().setBaseValue(LM_PEAK_LR).optFinalValue(LM_PEAK_LR / 10)
                        .setMaxUpdates(LM_NOTEBOOK_STEPS - LM_WARMUP).build();
                Tracker lr = WarmUpTracker.builder().setMainTracker(cosine).optWarmUpBeginValue(LM_PEAK_LR / 100)
                        .optWarmUpSteps(LM_WARMUP).build();
                optimizer = Optimizer.adam().optClipGrad(1f).optLearningRateTracker(lr).build();
                System.out.println("java transformer: vocabulary " + text.vocabSize() + ", " + text.train().length
                        + " training characters");
            }
            case "pointer" -> {
                steps = Integer.parseInt(opt.getOrDefault("steps", String.valueOf(PTR_NOTEBOOK_BATCHES)));
                batch = Integer.parseInt(opt.getOrDefault("batch", String.valueOf(PTR_BATCH)));
                data = PointerNetwork.sortingTask(PTR_N, batch, steps, 42);
                model = Model.newInstance("pointer-network");
                model.setBlock(new PointerNetwork(PTR_HIDDEN));
                optimizer = Optimizer.adam().optClipGrad(1f).optLearningRateTracker(Tracker.cosine().setBaseValue(3e-3f)
                        .optFinalValue(1e-4f).setMaxUpdates(PTR_NOTEBOOK_EPOCHS * PTR_NOTEBOOK_BATCHES).build()).build();
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "': use " + Bench.MODELS);
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        fit(name, model, data, new SequenceCrossEntropy(), optimizer, epochs, steps, batch, loadSeconds);
    }

    /** Trains {@code model} with {@link Fit} and reports its steps/s, measured as {@link Bench#run} measures Fit. */
    private static void fit(String name, Model model, BatchSource data, Loss loss, Optimizer optimizer, int epochs,
            int steps, int batch, double loadSeconds) {
        Bench.fitAndReport(Fit.of(model, data).loss(loss).optimizer(optimizer).epochs(epochs), name, "steps", steps,
                batch, loadSeconds);
        System.out.println("java " + name + ": " + Evaluation.parameterCount(model.getBlock()) + " parameters");
        model.close();
    }

    /** Writes the ABC training text as {@link CharCorpus} encodes it (abc_ids.i32) and its vocabulary size (abc.json). */
    static void exportText(Path dir) throws IOException {
        CharCorpus text = CharCorpus.load();
        int[] ids = text.train();
        ByteBuffer b = ByteBuffer.allocate(ids.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(ids);
        Files.write(dir.resolve("abc_ids.i32"), b.array());
        Files.writeString(dir.resolve("abc.json"), String.format(Locale.ROOT, "{\"vocab\": %d, \"train_chars\": %d}%n",
                text.vocabSize(), ids.length));
        System.out.println("exported the ABC training text (" + ids.length + " characters, vocabulary " + text.vocabSize()
                + ") to " + dir);
    }
}
