package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** The exponential moving average of parameters: the recurrence by hand, the update per Fit step, swap and restore. */
class EmaTest {

    private static float[] first(Model model) {
        return model.getBlock().getParameters().get(0).getValue().getArray().toFloatArray();
    }

    @Test
    void followsTheRecurrenceWithWarmUp() {
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(Mlp.build(new int[] {3}, 2));
            model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
            NDArray w = model.getBlock().getParameters().get(0).getValue().getArray();
            double d = 0.9;
            try (Ema ema = new Ema(model, d)) {
                float[] expected = null;
                for (int n = 0; n < 30; n++) {
                    float[] v = new float[(int) w.size()];
                    Arrays.fill(v, n * n * 0.1f);
                    w.set(v);
                    ema.update();
                    if (expected == null) {
                        expected = v.clone();
                    } else {
                        double e = Math.min(d, (1.0 + n) / (10.0 + n)); // n updates done before this one
                        for (int j = 0; j < v.length; j++) {
                            expected[j] = (float) (e * expected[j] + (1 - e) * v[j]);
                        }
                    }
                }
                float[] raw = first(model);
                try (AutoCloseable swapped = ema.swapIn()) {
                    assertArrayEquals(expected, first(model), 1e-3f);
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
                assertArrayEquals(raw, first(model), 0f, "swapIn must restore the raw weights when closed");
                ema.copyToModel();
                assertArrayEquals(expected, first(model), 1e-3f);
            }
        }
    }

    @Test
    void tracksEveryStepOfFit() {
        TestData data = new TestData(320, 6, 3, 1.0, 2);
        try (Model model = Model.newInstance("mlp")) {
            model.setBlock(Mlp.build(new int[] {16}, 3));
            InMemoryDataset tr = InMemoryDataset.classification(data.x, new Shape(6), data.y, 32, true, 1);
            try (Ema ema = new Ema(model, 0.95)) {
                Fit.of(model, ema.tracking(tr)).optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build())
                        .epochs(3).seed(3).run();
                assertEquals(3L * tr.batchCount(), ema.updates());
                float[] raw = first(model);
                float[] avg;
                try (AutoCloseable swapped = ema.swapIn()) {
                    avg = first(model);
                } catch (Exception ex) {
                    throw new AssertionError(ex);
                }
                assertFalse(Arrays.equals(raw, avg), "the average of a moving trajectory differs from its last point");
                assertArrayEquals(raw, first(model), 0f);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        try (Model model = Model.newInstance("mlp")) {
            assertThrows(IllegalArgumentException.class, () -> new Ema(model, 0.9));
            model.setBlock(Mlp.build(new int[] {3}, 2));
            var e = assertThrows(IllegalArgumentException.class, () -> new Ema(model, 1.0));
            assertTrue(e.getMessage().contains("decay"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> new Ema(model, 0.9).swapIn());
            assertThrows(IllegalStateException.class, () -> new Ema(model, 0.9).update()); // not initialised
        }
    }
}
