package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;
import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;
import org.nnzoo.train.OneCycle;
import org.nnzoo.train.RandomShifts;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * Real data: the committed 300-image MNIST slices (train and test). Each model trains a few hundred steps
 * with the generic loop and must do far better than chance on the unseen test slice.
 */
class VisionTrainingTest {

    private static ImageSet train;
    private static ImageSet test;

    @BeforeAll
    static void load() {
        train = Slice.load(Mnist.Split.TRAIN);
        test = Slice.load(Mnist.Split.TEST);
    }

    /** Trains {@code steps} Adam steps (batch 30) and returns the test-slice accuracy. */
    private static double trainClassifier(Block block, int epochs, float lr) {
        try (Model model = Model.newInstance("slice")) {
            model.setBlock(block);
            InMemoryDataset tr = InMemoryDataset.of(train, 30, true, 1);
            History h = Fit.of(model, tr).optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build())
                    .epochs(epochs).accuracy(true).seed(5).run();
            assertTrue(h.last("train_loss") < h.values("train_loss")[0], "training loss should fall");
            return Evaluation.accuracy(test.labels(), Evaluation.predictClasses(model, InMemoryDataset.of(test, 100, false, 0)));
        }
    }

    @Test
    void leNetLearnsDigitsFromThreeHundredImages() {
        double acc = trainClassifier(LeNet.build(), 20, 2e-3f); // 200 steps
        assertTrue(acc > 0.7, "LeNet test-slice accuracy " + acc + " (chance 0.1)");
    }

    @Test
    void smallResNetLearnsDigitsFromThreeHundredImages() {
        double acc = trainClassifier(ResNet.small(1, 8, 10, true), 10, 3e-3f); // 100 steps
        assertTrue(acc > 0.5, "ResNet-8 test-slice accuracy " + acc + " (chance 0.1)");
    }

    @Test
    void compactResNetLearnsFromShiftedDigitsWithOneCycle() {
        try (Model model = Model.newInstance("compact")) {
            model.setBlock(ResNet.compact(8, 10));
            RandomShifts tr = new RandomShifts(train, 2, 30, 1);
            int epochs = 10; // 100 steps
            History h = Fit.of(model, tr)
                    .optimizer(Optimizer.adam().optLearningRateTracker(OneCycle.of(3e-3f, epochs * tr.batchCount())).build())
                    .epochs(epochs).accuracy(true).seed(5).run();
            assertTrue(h.last("train_loss") < h.values("train_loss")[0], "training loss should fall");
            double acc = Evaluation.accuracy(test.labels(), Evaluation.predictClasses(model, InMemoryDataset.of(test, 100, false, 0)));
            assertTrue(acc > 0.5, "compact ResNet test-slice accuracy " + acc + " (chance 0.1)");
        }
    }

    @Test
    void autoencoderBeatsPcaAtTheSameCodeSize() {
        int code = 4;
        ConvAutoencoder ae = new ConvAutoencoder(org.nnzoo.data.ImageShape.MNIST, code);
        float[] px = train.pixels();
        try (Model model = Model.newInstance("ae")) {
            model.setBlock(ae.block());
            Shape img = new Shape(1, 28, 28);
            Fit.of(model, InMemoryDataset.of(px, img, px, img, 30, true, 1)).loss(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build())
                    .epochs(40).seed(5).run(); // 400 steps
            float[] testPx = test.pixels();
            double aeMse = ConvAutoencoder.mse(testPx, ae.reconstruct(model, testPx));
            double pcaMse;
            try (NDManager m = NDManager.newBaseManager()) {
                pcaMse = ConvAutoencoder.mse(testPx, Pca.fit(px, 784, code, m).reconstruct(testPx));
            }
            assertTrue(aeMse < pcaMse, "autoencoder test MSE " + aeMse + " should beat PCA-" + code + " " + pcaMse);
            // encode/decode agree with the whole network
            float[][] z = ae.encode(model, java.util.Arrays.copyOf(testPx, 5 * 784));
            assertArrayEquals(java.util.Arrays.copyOf(ae.reconstruct(model, testPx), 5 * 784), ae.decode(model, z), 1e-5f);
        }
    }
}
