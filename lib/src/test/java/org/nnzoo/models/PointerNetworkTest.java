package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
}
