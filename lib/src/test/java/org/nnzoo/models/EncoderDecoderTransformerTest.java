package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.Fit;
import org.nnzoo.train.SequenceCrossEntropy;

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

class EncoderDecoderTransformerTest {

    private static final int V = 11;
    private static final int S = 6;
    private static final int T = 5;

    private static float[] ids(int n, int mult) {
        float[] x = new float[2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * mult + 1) % V;
        }
        return x;
    }

    /** max |a - b| over output positions {@code [from, to)} of the logits */
    private static double diff(NDArray a, NDArray b, int from, int to) {
        if (from >= to) {
            return 0;
        }
        return a.get(new NDIndex(":, {}:{}, :", from, to)).sub(b.get(new NDIndex(":, {}:{}, :", from, to))).abs().max().getFloat();
    }

    @Test
    void shapesCausalDecoderAndSourceMask() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            EncoderDecoderTransformer net = new EncoderDecoderTransformer(V, 16, 4, 2, 32);
            net.initialize(m, DataType.FLOAT32, new Shape(2, S), new Shape(2, T));
            ParameterStore ps = new ParameterStore(m, false);
            float[] src = ids(S, 5);
            float[] tgt = ids(T, 3);
            NDList base = net.forward(ps, new NDList(m.create(src, new Shape(2, S)), m.create(tgt, new Shape(2, T))), false);
            assertEquals(3, base.size(), "logits and one cross-attention map per decoder layer");
            assertEquals(new Shape(2, T, V), base.head().getShape());
            assertEquals(new Shape(2, 4, T, S), base.get(1).getShape());
            assertTrue(base.get(1).sum(new int[] {3}).sub(1).abs().max().getFloat() < 1e-5, "cross-attention rows sum to 1");

            // decoder causality: changing decoder input k changes no output before k, and output k itself
            for (int k = 0; k < T; k++) {
                float[] changed = tgt.clone();
                changed[k] = (changed[k] + 4) % V;
                changed[T + k] = (changed[T + k] + 2) % V;
                NDArray out = net.forward(ps, new NDList(m.create(src, new Shape(2, S)), m.create(changed, new Shape(2, T))), false).head();
                assertEquals(0.0, diff(out, base.head(), 0, k), 1e-6, "an output before " + k + " changed");
                assertTrue(diff(out, base.head(), k, k + 1) > 1e-4, "output " + k + " must depend on decoder input " + k);
            }
            // cross-attention is not causal: the last source token reaches the first output
            float[] lastChanged = src.clone();
            lastChanged[S - 1] = (lastChanged[S - 1] + 3) % V;
            NDArray out = net.forward(ps, new NDList(m.create(lastChanged, new Shape(2, S)), m.create(tgt, new Shape(2, T))), false).head();
            assertTrue(diff(out, base.head(), 0, 1) > 1e-4, "the first output must see the whole source");

            // source mask: the last two source positions are padding; changing them changes nothing
            float[] keep = {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0};
            NDArray mask = m.create(keep, new Shape(2, S));
            NDList masked = net.forward(ps, new NDList(m.create(src, new Shape(2, S)), m.create(tgt, new Shape(2, T)), mask), false);
            float[] padChanged = src.clone();
            padChanged[4] = (padChanged[4] + 1) % V;
            padChanged[S + 5] = (padChanged[S + 5] + 2) % V;
            NDArray maskedOut = net.forward(ps, new NDList(m.create(padChanged, new Shape(2, S)), m.create(tgt, new Shape(2, T)), mask), false).head();
            assertEquals(0.0, diff(maskedOut, masked.head(), 0, T), 1e-6, "padding changed the output");
            assertEquals(0.0, masked.get(1).get(new NDIndex(":, :, :, 4:")).abs().max().getFloat(), 1e-7, "attention on padding");
            assertTrue(diff(masked.head(), base.head(), 0, T) > 1e-4, "the mask must matter");
            assertThrows(IllegalArgumentException.class, () -> net.forward(ps,
                    new NDList(m.create(src, new Shape(2, S)), m.create(tgt, new Shape(2, T)), m.ones(new Shape(2, S + 1))), false));
        }
    }

    @Test
    void learnsToReverseShortSequences() {
        int[] text = new int[2000];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < text.length; i++) {
            text[i] = r.nextInt(6);
        }
        try (Model model = Model.newInstance("rev")) {
            model.setBlock(new EncoderDecoderTransformer(7, 32, 4, 1, 64));
            Fit.of(model, EncoderDecoderTransformer.reversalTask(text, 5, 32, 50, 6, 1)).loss(new SequenceCrossEntropy())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build()).epochs(6).seed(1).run();
            int[][] src = new int[100][5];
            for (int[] row : src) {
                for (int j = 0; j < 5; j++) {
                    row[j] = r.nextInt(6);
                }
            }
            int[][] out = EncoderDecoderTransformer.greedyDecode(model, src, 6, 5);
            int right = 0;
            for (int i = 0; i < src.length; i++) {
                right += java.util.Arrays.equals(out[i], EncoderDecoderTransformer.reversed(src[i])) ? 1 : 0;
            }
            // chance of guessing a reversed sequence of 5 out of 6 symbols is 6^-5
            assertTrue(right >= 80, "reversed " + right + " of 100");
        }
    }
}
