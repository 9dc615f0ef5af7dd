package org.nnzoo.models.word2vec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import org.nnzoo.train.InMemoryDataset;

/**
 * Word2Vec written with DJL's autograd, for checking and comparing the hand-written update of
 * {@link Word2Vec}: {@link #maxGradientError} differentiates the same loss with autograd, and
 * {@link #block} is skip-gram as a DJL block that {@link org.nnzoo.train.Fit} trains on mini-batches of
 * {@link #examples} drawn exactly like the hand-written trainer's.
 */
public final class Autograd {

    private Autograd() {
    }

    /**
     * Checks the hand-written negative-sampling gradient against DJL's autograd on one random example:
     * a hidden vector {@code h}, one true and {@code k} noise output vectors. Autograd differentiates
     * {@code L = -log s(u_o . h) - sum_i log s(-u_i . h)} (float64); the hand-written step
     * ({@code Word2Vec.negativeStep} with {@code alpha = 1}) must have moved each {@code u_t} by
     * {@code -dL/du_t} and accumulated {@code -dL/dh}.
     *
     * @param dim    vector size
     * @param k      number of noise words
     * @param seed   seed of the random example
     * @param exact  exact sigmoid, or the training's sigmoid table (differs by up to about 0.01 of the gradient)
     * @return the largest absolute difference over all gradient entries
     */
    public static double maxGradientError(int dim, int k, long seed, boolean exact) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] h = new float[dim];
        float[] u = new float[(k + 1) * dim];
        for (int i = 0; i < dim; i++) {
            h[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) rnd.nextDouble(-1, 1) * 0.5f;
        }
        int[] targets = new int[k + 1];
        for (int i = 0; i <= k; i++) {
            targets[i] = i;
        }
        float[] uAfter = u.clone();
        float[] neu1e = new float[dim];
        Word2Vec.negativeStep(h, 0, uAfter, dim, targets, k + 1, 1f, neu1e, exact);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hv = m.create(toDouble(h));
            NDArray uv = m.create(toDouble(u), new Shape(k + 1, dim));
            hv.setRequiresGradient(true);
            uv.setRequiresGradient(true);
            double[] sign = new double[k + 1];
            Arrays.fill(sign, -1);
            sign[0] = 1;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scores = uv.matMul(hv).mul(m.create(sign));          // +u_o.h, -u_i.h
                NDArray loss = scores.neg().exp().add(1).log().sum();        // sum -log s(score)
                gc.backward(loss);
            }
            double[] gh = hv.getGradient().toDoubleArray();
            double[] gu = uv.getGradient().toDoubleArray();
            double err = 0;
            for (int i = 0; i < dim; i++) {
                err = Math.max(err, Math.abs(neu1e[i] - (-gh[i])));
            }
            for (int i = 0; i < u.length; i++) {
                err = Math.max(err, Math.abs((uAfter[i] - u[i]) - (-gu[i])));
            }
            return err;
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /**
     * Skip-gram examples: each a row {@code [context word, true word, k noise words]} (indices stored as
     * floats, exact below 2^24) with labels {@code [1, 0, ..., 0]}.
     */
    public record Examples(String[] words, float[] rows, float[] labels, int count, int negative) {

        /** @return the vocabulary size */
        public int vocabSize() {
            return words.length;
        }

        /**
         * @param batchSize examples per batch
         * @param seed      shuffling seed
         * @return the examples as a {@link org.nnzoo.train.BatchSource} for {@code Fit}
         */
        public InMemoryDataset dataset(int batchSize, long seed) {
            return InMemoryDataset.of(rows, new Shape(negative + 2), labels, new Shape(negative + 1), batchSize, true, seed);
        }
    }

    /**
     * One pass of the skip-gram example generator over a corpus (one epoch's worth of examples), with the
     * hand-written trainer's vocabulary, subsampling, reduced window and noise table.
     *
     * @param sentences the corpus
     * @param trainer   window, minCount, negative, sample and seed come from here
     * @return the examples
     */
    public static Examples examples(List<String[]> sentences, Trainer trainer) {
        if (sentences == null || sentences.isEmpty()) {
            throw new IllegalArgumentException("sentences is empty: pass a corpus of token arrays");
        }
        Hogwild run = new Hogwild(trainer, Vocabulary.build(sentences, trainer.minCount), sentences);
        int k = trainer.negative;
        List<int[]> rows = new ArrayList<>();
        Hogwild.Worker w = new Hogwild.Worker(run);
        w.next = Lcg.seed(trainer.seed, 0xE8A);
        for (int[] ids : run.corpus) {
            int n = w.subsample(ids);
            int[] sent = w.sent;
            for (int i = 0; i < n; i++) {
                int b = w.windowShrink(trainer.window);
                for (int j = Math.max(0, i - trainer.window + b); j < Math.min(n, i + trainer.window + 1 - b); j++) {
                    if (j == i) {
                        continue;
                    }
                    int[] row = new int[k + 2];
                    row[0] = sent[j];
                    row[1] = sent[i];
                    for (int d = 0; d < k; d++) {  // k noise words (a draw equal to the true word is kept here)
                        row[2 + d] = w.drawNoise();
                    }
                    rows.add(row);
                }
            }
        }
        float[] x = new float[rows.size() * (k + 2)];
        float[] y = new float[rows.size() * (k + 1)];
        for (int e = 0; e < rows.size(); e++) {
            for (int c = 0; c < k + 2; c++) {
                x[e * (k + 2) + c] = rows.get(e)[c];
            }
            y[e * (k + 1)] = 1f;
        }
        return new Examples(run.vocab.words, x, y, rows.size(), k);
    }

    /**
     * @param vocab number of words
     * @param dim   vector size
     * @return a block with input vectors {@code v} and output vectors {@code u} ({@code vocab x dim} each)
     *     mapping {@code (B, k+2)} example rows to {@code (B, k+1)} scores {@code u_t . h}, {@code h = v_context};
     *     the sigmoid binary cross-entropy on them is the negative-sampling loss divided by {@code k + 1}
     */
    public static Block block(int vocab, int dim) {
        return new SgnsBlock(vocab, dim);
    }
}
