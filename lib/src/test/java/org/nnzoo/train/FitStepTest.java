package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nnzoo.models.Mlp;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.RandomUtils;

/**
 * Fit's fast path against DJL's reference loop: Fit updates the parameters itself (no per-parameter gradient copy,
 * see Fit#update) and InMemoryDataset gathers batches through one reused staging buffer. Both must give exactly
 * the numbers of the plain DJL loop (Trainer.step() on batches made one NDArray per batch) and the exact epoch
 * mean of the loss.
 */
class FitStepTest {

    private static final int BATCH = 32;

    private static Optimizer optimizer(boolean adam) {
        return adam ? Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build()
                : Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.1f)).optMomentum(0.9f).build();
    }

    /** The reference: DJL's own Trainer.step() every batch, batches made straight from Java arrays. */
    private static float[] reference(TestData d, InMemoryDataset ds, int epochs, boolean adam, List<Double> epochLoss) {
        return reference(d, ds, epochs, Mlp.build(new int[] {16}, 3), optimizer(adam), epochLoss);
    }

    private static float[] reference(TestData d, InMemoryDataset ds, int epochs, ai.djl.nn.Block block, Optimizer opt,
                                     List<Double> epochLoss) {
        try (Model model = Model.newInstance("ref")) {
            model.setBlock(block);
            Engine.getInstance().setRandomSeed(5);
            RandomUtils.RANDOM.setSeed(5);
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(opt).optDevices(new Device[] {Device.cpu()});
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(ds.inputShapes());
                for (int e = 0; e < epochs; e++) {
                    int[] order = ds.order(e);
                    double sum = 0;
                    for (int first = 0; first < order.length; first += BATCH) {
                        int n = Math.min(BATCH, order.length - first);
                        float[] x = new float[n * d.dim];
                        float[] y = new float[n];
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(d.x, order[first + i] * d.dim, x, i * d.dim, d.dim);
                            y[i] = d.y[order[first + i]];
                        }
                        try (var bm = trainer.getManager().newSubManager()) {
                            NDList in = new NDList(bm.create(x, new Shape(n, d.dim)));
                            NDList lab = new NDList(bm.create(y, new Shape(n)));
                            NDArray l;
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                l = trainer.getLoss().evaluate(lab, trainer.forward(in, lab));
                                gc.backward(l);
                            }
                            trainer.step();
                            sum += l.getFloat() * n;
                        }
                    }
                    epochLoss.add(sum / order.length);
                }
            }
            return parameters(model);
        }
    }

    private static float[] parameters(Model model) {
        return ParameterValues.of(model.getBlock());
    }

    private static void compare(boolean adam) {
        TestData d = new TestData(300, 5, 3, 1.0, 9); // 300 = 9 full batches of 32 + one of 12
        InMemoryDataset ds = InMemoryDataset.classification(d.x, new Shape(d.dim), d.y, BATCH, true, 3);
        List<Double> refLoss = new ArrayList<>();
        float[] ref = reference(d, ds, 3, adam, refLoss);
        try (Model model = Model.newInstance("fit")) {
            model.setBlock(Mlp.build(new int[] {16}, 3));
            History h = Fit.of(model, ds).optimizer(optimizer(adam)).epochs(3).seed(5).run();
            assertArrayEquals(ref, parameters(model), 0f, "Fit must update exactly like Trainer.step()");
            double[] fitLoss = h.values("train_loss");
            assertEquals(3, fitLoss.length);
            for (int e = 0; e < 3; e++) {
                assertEquals(refLoss.get(e), fitLoss[e], 1e-12, "epoch " + e + " loss must be the exact sample mean");
            }
            assertTrue(fitLoss[2] < fitLoss[0], "the loss should fall: " + java.util.Arrays.toString(fitLoss));
        }
    }

    @Test
    void sgdWithMomentumMatchesTrainerStep() {
        compare(false);
    }

    @Test
    void adamMatchesTrainerStep() {
        compare(true);
    }

    /** A block with a second linear layer that the forward pass never uses. */
    private static final class OneOfTwo extends ai.djl.nn.AbstractBlock {
        private final ai.djl.nn.Block used = addChildBlock("used", ai.djl.nn.core.Linear.builder().setUnits(3).build());
        private final ai.djl.nn.Block unused = addChildBlock("unused", ai.djl.nn.core.Linear.builder().setUnits(3).build());

        @Override
        protected NDList forwardInternal(ai.djl.training.ParameterStore ps, NDList inputs, boolean training,
                                         ai.djl.util.PairList<String, Object> params) {
            return used.forward(ps, inputs, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return used.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, ai.djl.ndarray.types.DataType type,
                                             Shape... inputShapes) {
            used.initialize(manager, type, inputShapes);
            unused.initialize(manager, type, inputShapes);
        }
    }

    @Test
    void aParameterTheForwardPassNeverUsesIsTreatedAsTrainerStepTreatsIt() {
        // Fit's own update works on the parameters in the trainer's parameter store, the set Trainer.step() updates;
        // with weight decay even a zero gradient moves a weight, so a different set would give different numbers
        TestData d = new TestData(96, 5, 3, 1.0, 4);
        InMemoryDataset ds = InMemoryDataset.classification(d.x, new Shape(d.dim), d.y, BATCH, true, 3);
        java.util.function.Supplier<Optimizer> opt = () -> Optimizer.sgd()
                .setLearningRateTracker(Tracker.fixed(0.1f)).optWeightDecays(0.1f).build();
        float[] ref = reference(d, ds, 2, new OneOfTwo(), opt.get(), new ArrayList<>());
        try (Model model = Model.newInstance("one-of-two")) {
            model.setBlock(new OneOfTwo());
            Fit.of(model, ds).epochs(2).seed(5).optimizer(opt.get()).run();
            assertArrayEquals(ref, parameters(model), 0f);
        }
    }

    @Test
    void earlierBatchesStayIntactWhenTheStagingBufferIsReused() {
        TestData d = new TestData(70, 4, 2, 1.0, 2);
        InMemoryDataset ds = InMemoryDataset.classification(d.x, new Shape(d.dim), d.y, 32, true, 1);
        try (var root = ai.djl.ndarray.NDManager.newBaseManager()) {
            List<Batch> kept = new ArrayList<>();
            for (Batch b : ds.batches(root, 0)) {
                kept.add(b); // not closed yet: each must still hold its own samples after the next one is made
            }
            int[] order = ds.order(0);
            for (int b = 0; b < kept.size(); b++) {
                float[] got = kept.get(b).getData().head().toFloatArray();
                int n = kept.get(b).getSize();
                for (int i = 0; i < n; i++) {
                    for (int k = 0; k < d.dim; k++) {
                        assertEquals(d.x[order[b * 32 + i] * d.dim + k], got[i * d.dim + k], 0f, "batch " + b + " sample " + i);
                    }
                }
                kept.get(b).close();
            }
            assertEquals(3, kept.size());
        }
    }
}
