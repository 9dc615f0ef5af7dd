package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.Fit;
import org.nnzoo.train.SequenceCrossEntropy;

import ai.djl.Model;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

class PointerNetworkTest {

    @Test
    void positionsAlreadyPointedAtAreMasked() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            // values (0.3, 0.1, 0.2); decoder fed START, then 0.1 (position 1), then 0.2 (position 2)
            ai.djl.ndarray.NDArray x = m.create(new float[] {0.3f, 0.1f, 0.2f}, new ai.djl.ndarray.types.Shape(1, 3));
            ai.djl.ndarray.NDArray d = m.create(new float[] {PointerNetwork.START, 0.1f, 0.2f}, new ai.djl.ndarray.types.Shape(1, 3));
            float[] mask = PointerNetwork.pointedMask(x, d).toFloatArray();
            float[] want = {0, 0, 0, 0, -1e9f, 0, 0, -1e9f, -1e9f};
            assertArrayEquals(want, mask, 1f);
        }
    }

    @Test
    void learnsToSortFiveNumbers() {
        assertArrayEquals(new int[] {2, 0, 1}, PointerNetwork.argsort(new float[] {0.5f, 0.7f, 0.1f}));
        try (Model model = Model.newInstance("ptr")) {
            model.setBlock(new PointerNetwork(32));
            Fit.of(model, PointerNetwork.sortingTask(5, 64, 20, 1)).loss(new SequenceCrossEntropy())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .epochs(8).seed(1).run();
            float[][] test = PointerNetwork.randomSequences(200, 5, 999);
            int[][] out = PointerNetwork.decode(model, test);
            int perfect = 0;
            for (int i = 0; i < test.length; i++) {
                if (java.util.Arrays.equals(out[i], PointerNetwork.argsort(test[i]))) {
                    perfect++;
                }
            }
            // chance of a perfect permutation of 5 is 1/120; a trained pointer network sorts most of them
            assertTrue(perfect >= 100, "perfectly sorted " + perfect + " of 200");
        }
    }

    /**
     * The decoder's step-by-step greedy decoding gives, at every step, the bits of the whole network's forward with
     * all n decoder inputs (the mask's -0.0 left out: positions not yet pointed at), so it picks the same positions.
     * Chapter 15's shapes: hidden 128, test sequences of the lengths it decodes.
     */
    @Test
    void decodingStepByStepGivesTheWholeForwardsLogits() {
        try (Model model = Model.newInstance("ptr")) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(4);
            model.setBlock(new PointerNetwork(128));
            Fit.of(model, PointerNetwork.sortingTask(10, 64, 4, 1)).loss(new SequenceCrossEntropy())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build())
                    .epochs(1).seed(1).run();
            for (int n : new int[] {10, 15, 20}) {
                float[][] test = PointerNetwork.randomSequences(300, n, 1000 + n);
                float[][][] logits = new float[test.length][n][];
                int[][] out = PointerNetwork.decode(model, test, logits);
                int[][] want = wholeForwardDecode(model, test, logits);
                for (int b = 0; b < test.length; b++) {
                    assertArrayEquals(want[b], out[b], "sequence " + b + ", n = " + n);
                }
            }
        }
    }

    /**
     * The decoding of earlier versions: at step i the whole network on the values and the n decoder inputs fed so
     * far (the rest START), row i of its logits; checks them against {@code logits} (bits, positions not yet chosen).
     */
    private static int[][] wholeForwardDecode(Model model, float[][] values, float[][][] logits) {
        int batch = values.length;
        int n = values[0].length;
        int[][] out = new int[batch][n];
        boolean[][] used = new boolean[batch][n];
        float[] x = new float[batch * n];
        float[] dec = new float[batch * n];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(values[b], 0, x, b * n, n);
            java.util.Arrays.fill(dec, b * n, (b + 1) * n, PointerNetwork.START);
        }
        for (int i = 0; i < n; i++) {
            float[] l;
            try (ai.djl.ndarray.NDManager sub = model.getNDManager().newSubManager()) {
                ai.djl.ndarray.NDList in = new ai.djl.ndarray.NDList(sub.create(x, new ai.djl.ndarray.types.Shape(batch, n)),
                        sub.create(dec, new ai.djl.ndarray.types.Shape(batch, n)));
                l = model.getBlock().forward(new ai.djl.training.ParameterStore(sub, false), in, false).head().toFloatArray();
            }
            for (int b = 0; b < batch; b++) {
                int best = -1;
                for (int j = 0; j < n; j++) {
                    float lj = l[(b * n + i) * n + j];
                    if (!used[b][j]) {
                        assertEquals(Float.floatToIntBits(lj), Float.floatToIntBits(logits[b][i][j]),
                                "logit of sequence " + b + ", step " + i + ", position " + j + ": " + lj + " against "
                                        + logits[b][i][j]);
                        if (best < 0 || lj > l[(b * n + i) * n + best]) {
                            best = j;
                        }
                    }
                }
                out[b][i] = best;
                used[b][best] = true;
                if (i + 1 < n) {
                    dec[b * n + i + 1] = values[b][best];
                }
            }
        }
        return out;
    }
}
