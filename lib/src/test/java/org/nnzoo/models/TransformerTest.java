package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.SequenceCrossEntropy;
import org.nnzoo.train.TokenWindows;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

class TransformerTest {

    @Test
    void changingAFutureTokenNeverChangesAnEarlierOutput() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Transformer t = new Transformer(13, 16, 4, 2, 32);
            t.initialize(m, DataType.FLOAT32, new Shape(2, 10));
            float[] ids = new float[20];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 7) % 13;
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDList base = t.forward(ps, new NDList(m.create(ids, new Shape(2, 10))), false);
            assertEquals(3, base.size(), "logits and one attention map per layer");
            for (int k = 0; k < 10; k++) {
                float[] changed = ids.clone();
                changed[k] = (changed[k] + 5) % 13;          // first sequence, position k
                changed[10 + k] = (changed[10 + k] + 3) % 13; // second sequence, position k
                NDArray out = t.forward(ps, new NDList(m.create(changed, new Shape(2, 10))), false).head();
                for (int p = 0; p < 10; p++) {
                    double diff = out.get(new NDIndex(":, {}, :", p)).sub(base.head().get(new NDIndex(":, {}, :", p))).abs().max().getFloat();
                    if (p < k) {
                        assertEquals(0.0, diff, 1e-6, "output " + p + " changed when token " + k + " changed");
                    } else if (p == k) {
                        assertTrue(diff > 1e-4, "output " + k + " must depend on its own token");
                    }
                }
            }
            NDArray a = base.get(1); // (B, heads, T, T): rows sum to 1, zero above the diagonal
            assertEquals(new Shape(2, 4, 10, 10), a.getShape());
            assertTrue(a.sum(new int[] {3}).sub(1).abs().max().getFloat() < 1e-5);
            assertEquals(0.0, a.get(new NDIndex(":, :, 0, 1:")).abs().max().getFloat(), 1e-7);
        }
    }

    @Test
    void attentionEqualsTheFormulaOnNumbers() {
        try (NDManager m = NDManager.newBaseManager()) {
            // one query, two keys: scores q.k / sqrt(2) = {1/sqrt2, 0}; weights softmax of those
            NDArray q = m.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray k = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray v = m.create(new float[] {10, 20}, new Shape(2, 1));
            NDList a = MultiHeadAttention.attention(q, k, v, null);
            double w0 = Math.exp(1 / Math.sqrt(2)) / (Math.exp(1 / Math.sqrt(2)) + 1);
            assertArrayEquals(new float[] {(float) w0, (float) (1 - w0)}, a.get(1).toFloatArray(), 1e-6f);
            assertEquals(10 * w0 + 20 * (1 - w0), a.get(0).getFloat(), 1e-4);
            NDArray masked = MultiHeadAttention.attention(q, k, v, m.create(new float[] {0, -1e9f}, new Shape(1, 2))).get(0);
            assertEquals(10f, masked.getFloat(), 1e-5f);
        }
        assertThrows(IllegalArgumentException.class, () -> new MultiHeadAttention(10, 3, true));
        float[][] pe = PositionalEncoding.table(4, 6);
        assertEquals(0f, pe[0][0], 0f);
        assertEquals(1f, pe[0][1], 0f);
        assertEquals((float) Math.sin(3), pe[3][0], 1e-6f);
        assertEquals((float) Math.cos(3 / Math.pow(10000, 2.0 / 6)), pe[3][3], 1e-6f);
    }

    @Test
    void memorisesAPeriodicText() {
        String text = "the cat sat on the mat. ";
        int[] ids = new int[600];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = "the csaonm.".indexOf(text.charAt(i % text.length()));
        }
        try (Model model = Model.newInstance("gpt")) {
            model.setBlock(new Transformer(11, 32, 4, 2, 64));
            Fit.of(model, TokenWindows.random(ids, 16, 24, 4, 1)).loss(new SequenceCrossEntropy())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .epochs(25).seed(1).run();
            double loss = Evaluation.meanLoss(model, TokenWindows.consecutive(ids, 8, 24, 100), new SequenceCrossEntropy());
            assertTrue(loss < 0.4, "mean loss " + loss);
        }
    }
}
