package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.RecurrentNetworks.Kind;
import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;
import org.nnzoo.train.SequenceCrossEntropy;
import org.nnzoo.train.TokenWindows;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** Tiny overfit tests: each model can memorise a small task, and the tools around them work. */
class RecurrentNetworksTest {

    private static final String TEXT = "the cat sat on the mat. ";

    private static int[] periodic(int length) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = "the csaonm.".indexOf(TEXT.charAt(i % TEXT.length()));
        }
        return ids;
    }

    private static double overfitLm(Kind kind, boolean scratch, int epochs) {
        int[] ids = periodic(600);
        try (Model model = Model.newInstance("lm")) {
            model.setBlock(RecurrentNetworks.charLm(kind, 11, 32, 1, scratch));
            History h = Fit.of(model, TokenWindows.random(ids, 16, 24, 4, 1)).loss(new SequenceCrossEntropy())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.02f)).build())
                    .epochs(epochs).seed(1).run();
            double heldOut = Evaluation.meanLoss(model, TokenWindows.consecutive(ids, 8, 24, 100), new SequenceCrossEntropy());
            assertEquals(h.values("train_loss").length, epochs);
            if (kind == Kind.LSTM && !scratch) {
                // after "the cat sat on the " comes "mat. " once memorised: greedy-ish sampling (top-1)
                int[] prompt = java.util.Arrays.copyOf(ids, 19);
                int[] out = RecurrentNetworks.sample(model, prompt, 5, 24, 1.0, 1, 0);
                int[] want = java.util.Arrays.copyOfRange(ids, 19, 24);
                assertArrayEquals(want, java.util.Arrays.copyOfRange(out, 19, 24));
            }
            return heldOut;
        }
    }

    @Test
    void everyLanguageModelMemorisesAPeriodicText() {
        // the text repeats every 24 characters: after the first few characters of a window it is fully
        // predictable, so the mean loss must fall far below the uniform log(11) = 2.4 nats
        for (Kind kind : Kind.values()) {
            double loss = overfitLm(kind, false, 25);
            assertTrue(loss < 0.4, kind + " mean loss " + loss);
        }
        double scratchLoss = overfitLm(Kind.GRU, true, 25);
        assertTrue(scratchLoss < 0.4, "hand-written GRU mean loss " + scratchLoss);
    }

    @Test
    void forgetBiasIsSetOnLstmLayersOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            ai.djl.nn.Block lstm = RecurrentNetworks.recurrent(Kind.LSTM, 3, 2, false);
            lstm.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 4, 5));
            assertEquals(2, RecurrentNetworks.setForgetBias(lstm, 1f));
            for (var p : lstm.getParameters()) {
                float[] v = p.getValue().getArray().toFloatArray();
                if (p.getKey().endsWith("i2h_BIAS")) {
                    assertArrayEquals(new float[] {1f, 1f, 1f}, java.util.Arrays.copyOfRange(v, 3, 6), 0f, p.getKey());
                } else if (p.getKey().endsWith("h2h_BIAS")) {
                    assertArrayEquals(new float[] {0f, 0f, 0f}, java.util.Arrays.copyOfRange(v, 3, 6), 0f, p.getKey());
                }
            }
            ai.djl.nn.Block gru = RecurrentNetworks.recurrent(Kind.GRU, 3, 1, false);
            gru.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 4, 5));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> RecurrentNetworks.setForgetBias(gru, 1f));
            LstmCell cell = new LstmCell(3);
            cell.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 4, 5));
            assertEquals(1, RecurrentNetworks.setForgetBias(cell, 2f));
        }
    }

    @Test
    void classifierRemembersTheFirstStep() {
        // label = sign of the first input of 12 steps of noise: the model must carry it to the end
        int n = 256;
        int steps = 12;
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(4);
        float[] x = new float[n * steps * 2];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < steps * 2; j++) {
                x[i * steps * 2 + j] = (float) rnd.nextGaussian();
            }
            y[i] = x[i * steps * 2] > 0 ? 1 : 0;
        }
        try (Model model = Model.newInstance("seq")) {
            model.setBlock(RecurrentNetworks.classifier(Kind.LSTM, 24, 1, 2, false));
            InMemoryDataset data = InMemoryDataset.classification(x, new Shape(steps, 2), y, 32, true, 2);
            History h = Fit.of(model, data).optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .epochs(30).accuracy(true).seed(2).run();
            assertTrue(h.last("train_acc") > 0.95, "train accuracy " + h.last("train_acc"));
            try (NDManager m = NDManager.newBaseManager()) {
                double[] g = RecurrentNetworks.inputGradientNorms(model, m.create(x, new Shape(n, steps, 2)),
                        m.create(java.util.Arrays.stream(y).asDoubleStream().toArray()).toType(ai.djl.ndarray.types.DataType.FLOAT32, false));
                assertEquals(steps, g.length);
                assertTrue(g[0] > 0, "the first step matters: " + g[0]);
            }
        }
    }
}
