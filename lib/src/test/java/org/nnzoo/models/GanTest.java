package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.ImageShape;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;
import org.nnzoo.train.Denormals;
import org.nnzoo.train.History;
import org.nnzoo.train.OptimizerStep;
import org.nnzoo.train.ParameterValues;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/** The GAN's two players each lower their own loss, training is deterministic, shapes and errors. */
class GanTest {

    private static ImageSet train;

    @BeforeAll
    static void load() {
        train = Slice.load(Mnist.Split.TRAIN);
    }

    private static float[] batch(int n) {
        float[] x = new float[n * 784];
        float[] px = train.pixels();
        for (int i = 0; i < x.length; i++) {
            x[i] = 2 * px[i] - 1;
        }
        return x;
    }

    @Test
    void eachPlayersUpdatesLowerItsOwnLossOnATinyDataset() {
        try (Gan gan = Gan.mlp(ImageShape.MNIST); NDManager m = NDManager.newBaseManager()) {
            GanTraining tr = gan.training(train.pixels()).batchSize(32).seed(3).adam(2e-4f, 0.5f);
            tr.start();
            int n = 32;
            NDArray x = m.create(batch(n), new Shape(n, 1, 28, 28));
            NDArray z = m.randomNormal(new Shape(n, Gan.LATENT));
            double firstD = gan.discriminatorStep(x, z)[0];
            double lastD = firstD;
            for (int i = 0; i < 10; i++) {
                lastD = gan.discriminatorStep(x, z)[0];
            }
            assertTrue(lastD < firstD, "D loss on a fixed batch should fall with D updates: " + firstD + " -> " + lastD);
            double firstG = gan.generatorStep(z);
            double lastG = firstG;
            for (int i = 0; i < 10; i++) {
                lastG = gan.generatorStep(z);
            }
            assertTrue(lastG < firstG, "G loss against a fixed D should fall with G updates: " + firstG + " -> " + lastG);
        }
    }

    @Test
    void alternatingTrainingIsDeterministic() {
        double[] first = null;
        float[] px = java.util.Arrays.copyOf(train.pixels(), 120 * 784);
        for (int run = 0; run < 2; run++) {
            try (Gan gan = Gan.mlp(ImageShape.MNIST)) {
                History h = gan.training(px).batchSize(30).epochs(2).seed(11).run();
                assertEquals(2, h.epochs());
                assertTrue(Double.isFinite(h.last("d_loss")) && Double.isFinite(h.last("g_loss")));
                assertEquals(8, gan.lossTrace().length);
                float[] img = gan.generate(4, 9);
                assertEquals(4 * 784, img.length);
                double[] now = {h.last("d_loss"), h.last("g_loss"), img[100], img[3000]};
                if (first == null) {
                    first = now;
                } else {
                    assertArrayEquals(first, now, 1e-6, "same seed, same losses and images");
                }
            }
        }
    }

    /**
     * Each player's update ({@code OptimizerStep}, fused Adam without DJL's gradient copies) moves the parameters
     * exactly as DJL's {@code Trainer.step()} does: the same alternating steps on the same batches, once each way,
     * every parameter of both players compared bit for bit, for the MLP GAN and the DCGAN (batch normalisation,
     * whose running statistics are parameters without a gradient).
     */
    @Test
    void eachPlayersUpdateEqualsDjlsTrainerStepBitForBit() {
        Denormals.onThisThread(); // as both ways' training runs it; Trainer::step alone would not
        float[] px = java.util.Arrays.copyOf(train.pixels(), 16 * 784);
        for (boolean dc : new boolean[] {false, true}) {
            float[][] params = new float[2][];
            for (int way = 0; way < 2; way++) {
                try (Gan gan = dc ? Gan.dcgan(ImageShape.MNIST, 8) : Gan.mlp(ImageShape.MNIST); NDManager m = NDManager.newBaseManager()) {
                    gan.training(px).batchSize(16).seed(5).adam(2e-4f, 0.5f).start();
                    if (way == 1) {
                        var g = gan.generatorTrainer();
                        var d = gan.discriminatorTrainer();
                        gan.useTrainers(g, g::step, d, d::step);
                    }
                    java.util.Random rnd = new java.util.Random(8);
                    NDArray x = m.create(batch(16), new Shape(16, 1, 28, 28));
                    for (int i = 0; i < 4; i++) {
                        float[] z = new float[16 * Gan.LATENT];
                        for (int j = 0; j < z.length; j++) {
                            z[j] = (float) rnd.nextGaussian();
                        }
                        NDArray noise = m.create(z, new Shape(16, Gan.LATENT));
                        gan.discriminatorStep(x, noise);
                        gan.generatorStep(noise);
                    }
                    if (way == 0) { // the library's way must really have skipped Trainer.step() after the first round
                        for (OptimizerStep u : new OptimizerStep[] {gan.discriminatorUpdate(), gan.generatorUpdate()}) {
                            assertTrue(u instanceof OptimizerStep.Direct d && d.lastStepWasDirect(),
                                    "the GAN's update fell back to Trainer.step(): " + u);
                        }
                    }
                    params[way] = ParameterValues.of(gan.generatorModel().getBlock(), gan.discriminatorModel().getBlock());
                }
            }
            // without a delta JUnit compares floats by their bits
            assertArrayEquals(params[1], params[0], (dc ? "DCGAN" : "MLP GAN") + ": the library's update against Trainer.step()");
        }
    }

    @Test
    void dcganShapes() {
        try (NDManager m = NDManager.newBaseManager()) {
            var g = Gan.dcganGenerator(ImageShape.MNIST, Gan.LATENT, 8);
            var d = Gan.dcganDiscriminator(8);
            g.initialize(m, DataType.FLOAT32, new Shape(3, Gan.LATENT));
            d.initialize(m, DataType.FLOAT32, new Shape(3, 1, 28, 28));
            NDArray img = g.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(3, Gan.LATENT))), false).head();
            assertEquals(new Shape(3, 1, 28, 28), img.getShape());
            assertTrue(img.abs().max().getFloat() <= 1f, "tanh output");
            assertEquals(new Shape(3, 1), d.forward(new ParameterStore(m, false), new NDList(img), false).head().getShape());
        }
    }

    @Test
    void badInputIsRejected() {
        try (Gan gan = Gan.mlp(ImageShape.MNIST)) {
            assertThrows(IllegalArgumentException.class, () -> gan.training(new float[783]));
            assertThrows(IllegalStateException.class, () -> gan.generate(2, 1));
            var e = assertThrows(IllegalArgumentException.class, () -> gan.training(new float[784 * 10]).batchSize(64).run());
            assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Gan.mlpDiscriminator(1f));
        }
    }
}
