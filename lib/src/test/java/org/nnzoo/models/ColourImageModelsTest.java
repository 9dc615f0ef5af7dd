package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.ImageShape;
import org.nnzoo.train.BatchSource;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;
import org.nnzoo.viz.Charts;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * Every image model on colour 3x32x32 images (CIFAR's shape), not only MNIST's 1x28x28: forward shapes, one
 * training step, a sample of the right shape, and clear errors for shapes a model cannot take.
 */
class ColourImageModelsTest {

    private static final ImageShape RGB = new ImageShape(3, 32, 32);

    /** {@code n} random colour images, pixels in [0, 1]. */
    private static float[] pixels(int n, long seed) {
        Random r = new Random(seed);
        float[] px = new float[n * RGB.size()];
        for (int i = 0; i < px.length; i++) {
            px[i] = r.nextFloat();
        }
        return px;
    }

    private static Optimizer adam() {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
    }

    private static Shape forward(Block block, NDManager m, Shape... inputs) {
        Engine.getInstance().setRandomSeed(1);
        block.initialize(m, DataType.FLOAT32, inputs);
        NDList in = new NDList();
        for (Shape s : inputs) {
            in.add(m.randomUniform(0, 1, s));
        }
        NDArray y = block.forward(new ParameterStore(m, false), in, false).head();
        assertEquals(block.getOutputShapes(inputs)[0], y.getShape(), "declared vs actual output shape");
        return y.getShape();
    }

    private static void inUnitRange(float[] px) {
        for (float v : px) {
            assertTrue(v >= 0 && v <= 1, "pixel " + v);
        }
    }

    @Test
    void autoencoderTrainsAndReconstructsColourImages() {
        ConvAutoencoder ae = new ConvAutoencoder(RGB, 8);
        assertEquals(new Shape(4, 3, 32, 32), ae.inputShape(4));
        float[] px = pixels(16, 1);
        try (Model model = Model.newInstance("ae-rgb")) {
            model.setBlock(ae.block());
            Shape image = new Shape(3, 32, 32);
            History h = Fit.of(model, InMemoryDataset.of(px, image, px, image, 8, true, 1)).loss(Loss.sigmoidBinaryCrossEntropyLoss())
                    .optimizer(adam()).epochs(1).seed(1).run();
            assertTrue(Double.isFinite(h.last("train_loss")));
            float[] recon = ae.reconstruct(model, Arrays.copyOf(px, 3 * RGB.size()));
            assertEquals(3 * RGB.size(), recon.length);
            inUnitRange(recon);
            float[][] codes = ae.encode(model, Arrays.copyOf(px, 2 * RGB.size()));
            assertEquals(2, codes.length);
            assertEquals(8, codes[0].length);
            assertEquals(2 * RGB.size(), ae.decode(model, codes).length);
            var e = assertThrows(IllegalArgumentException.class, () -> ae.reconstruct(model, new float[784]));
            assertTrue(e.getMessage().contains("3x32x32"), e.getMessage());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 3, 32, 32), forward(new ConvAutoencoder(RGB, 8).block(), m, new Shape(2, 3, 32, 32)));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new ConvAutoencoder(new ImageShape(3, 30, 32), 8));
        assertTrue(e.getMessage().contains("multiples of 4") && e.getMessage().contains("3x32x32"), e.getMessage());
    }

    @Test
    void mlpGanAndDcganTrainAndGenerateColourImages() {
        float[] px = pixels(16, 2);
        for (boolean dc : new boolean[] {false, true}) {
            try (Gan gan = dc ? Gan.dcgan(RGB, 4) : Gan.mlp(RGB)) {
                assertEquals(RGB, gan.imageShape());
                History h = gan.training(px).batchSize(8).epochs(1).seed(3).run();
                assertEquals(2, gan.lossTrace().length, "two rounds of the game");
                assertTrue(Double.isFinite(h.last("d_loss")) && Double.isFinite(h.last("g_loss")));
                float[] img = gan.generate(3, 5);
                assertEquals(3 * RGB.size(), img.length);
                inUnitRange(img);
                assertThrows(IllegalArgumentException.class, () -> gan.training(new float[784]));
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 3, 32, 32), forward(Gan.mlpGenerator(RGB, Gan.LATENT), m, new Shape(2, Gan.LATENT)));
            assertEquals(new Shape(2, 3, 32, 32), forward(Gan.dcganGenerator(RGB, Gan.LATENT, 4), m, new Shape(2, Gan.LATENT)));
            assertEquals(new Shape(2, 1), forward(Gan.dcganDiscriminator(4), m, new Shape(2, 3, 32, 32)));
            assertEquals(new Shape(2, 1), forward(Gan.mlpDiscriminator(0.3f), m, new Shape(2, 3, 32, 32)));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> Gan.dcgan(new ImageShape(3, 30, 30), 4));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
    }

    @Test
    void uNetKeepsTheColourShapeAtBothPatchSizesAndRejectsOthers() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int patch : new int[] {1, 2}) {
                assertEquals(new Shape(2, 3, 32, 32), forward(new UNet(RGB, 8, patch), m, new Shape(2, 3, 32, 32), new Shape(2)));
                assertEquals(new Shape(2, 3, 32, 32), forward(new UNet(RGB, 8, patch, 10), m, new Shape(2, 3, 32, 32), new Shape(2), new Shape(2)));
            }
            NDArray x = m.randomNormal(new Shape(2, 3, 32, 32));
            NDArray p = UNet.toPatches(x);
            assertEquals(new Shape(2, 12, 16, 16), p.getShape());
            // channel 4c + 2 dy + dx at (i, j) is pixel (2i + dy, 2j + dx) of channel c
            assertEquals(x.getFloat(1, 2, 7, 4), p.getFloat(1, 4 * 2 + 2, 3, 2), 0f);
            assertArrayEquals(x.toFloatArray(), UNet.fromPatches(p).toFloatArray(), 0f);
            UNet mnist = new UNet(ImageShape.MNIST, 8);
            mnist.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28), new Shape(2));
            var e = assertThrows(IllegalArgumentException.class,
                    () -> mnist.forward(new ParameterStore(m, false), new NDList(x, m.zeros(new Shape(2))), false));
            assertTrue(e.getMessage().contains("1x28x28") && e.getMessage().contains("(N, 1, 28, 28)"), e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new UNet(new ImageShape(3, 30, 30), 8, 2));
        assertTrue(e.getMessage().contains("UNet") && e.getMessage().contains("multiples of 4") && e.getMessage().contains("3x32x32"),
                e.getMessage());
    }

    @Test
    void ddpmTrainsAndSamplesColourImages() {
        Ddpm d = new Ddpm(20, Ddpm.Schedule.COSINE, Ddpm.Prediction.V);
        float[] px = pixels(12, 4);
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        BatchSource data = d.trainingData(RGB, px, labels, 3, 0.2, 6, 1);
        assertEquals(new Shape(6, 3, 32, 32), data.inputShapes()[0]);
        try (NDManager m = NDManager.newBaseManager()) {
            for (Batch b : data.batches(m, 0)) {
                try (b) {
                    assertEquals(new Shape(6, 3, 32, 32), b.getData().get(0).getShape());
                    assertEquals(new Shape(6, 3, 32, 32), b.getLabels().head().getShape());
                }
            }
        }
        try (Model model = Model.newInstance("ddpm-rgb")) {
            model.setBlock(new UNet(RGB, 8, 2, 3));
            History h = Fit.of(model, data).loss(Ddpm.weightedLoss()).optimizer(adam()).epochs(1).seed(1).run();
            assertTrue(Double.isFinite(h.last("train_loss")));
            DdpmSampler.Result r = d.sampler(RGB).ddim(3, 1.0).labels(3, 0, 1).guidance(1).record(0, 3).seed(5).sample(model, 2);
            assertEquals(2 * RGB.size(), r.pixels().length);
            inUnitRange(r.pixels());
            assertEquals(2 * RGB.size(), r.trajectory().get(0).length);
            assertArrayEquals(r.pixels(), r.trajectory().get(1), 0f);
            float[] ancestral = d.sampler(RGB).labels(3, 3).seed(5).sample(model, 1).pixels();
            assertEquals(RGB.size(), ancestral.length);
            var e = assertThrows(IllegalArgumentException.class, () -> d.sampler(ImageShape.MNIST).labels(3, 3).ddim(2).sample(model, 1));
            assertTrue(e.getMessage().contains("3x32x32"), "a sampler of another shape than the network's is told so: " + e.getMessage());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> d.trainingData(RGB, new float[784], 4, 1));
        assertTrue(e.getMessage().contains("3x32x32"), e.getMessage());
    }

    /** Two classes of colour images: reddish with a bright top half, bluish with a bright bottom half. */
    private static ImageSet twoColours(int n, long seed) {
        Random r = new Random(seed);
        byte[] px = new byte[n * RGB.size()];
        int[] labels = new int[n];
        int plane = 32 * 32;
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < plane; p++) {
                    boolean bright = (p < plane / 2) == (labels[i] == 0);
                    int base = (c == 0) == (labels[i] == 0) ? 150 : 40;
                    px[i * RGB.size() + c * plane + p] = (byte) Math.min(255, base + (bright ? 60 : 0) + r.nextInt(40));
                }
            }
        }
        return new ImageSet("two-colours", RGB, px, labels, new String[] {"red", "blue"});
    }

    @Test
    void sampleQualityScoresColourImagesWithAScorerOfTheirShape() {
        ImageSet train = twoColours(64, 1);
        ImageSet test = twoColours(32, 2);
        SampleQuality q = SampleQuality.train(train, test, 2);
        assertEquals(RGB, q.imageShape());
        float[] real = test.pixels();
        assertEquals(2, q.probabilities(real)[0].length, "one probability per class of the training set");
        SampleQuality.Report self = q.score(real, real);
        assertEquals(0, self.frechet(), 1e-3);
        assertEquals(32, Arrays.stream(self.histogram()).sum());
        SampleQuality.Report noise = q.score(real, pixels(32, 3));
        assertTrue(noise.frechet() > self.frechet() && Double.isFinite(noise.inceptionScore()));
        var e = assertThrows(IllegalArgumentException.class, () -> q.score(real, new float[784]));
        assertTrue(e.getMessage().contains("3x32x32"), e.getMessage());
        ImageShape tiny = new ImageShape(3, 8, 8);
        ImageSet small = new ImageSet("tiny", tiny, new byte[2 * tiny.size()], new int[] {0, 1}, new String[] {"a", "b"});
        var e2 = assertThrows(IllegalArgumentException.class, () -> SampleQuality.train(small, small, 1));
        assertTrue(e2.getMessage().contains("12x12"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> SampleQuality.train(train, twoColoursGrey(), 1));
        assertTrue(e3.getMessage().contains("must match"), e3.getMessage());
    }

    private static ImageSet twoColoursGrey() {
        return new ImageSet("grey", 32, 32, new byte[2 * 1024], new int[] {0, 1}, new String[] {"red", "blue"});
    }

    @Test
    void classifiersTakeColourImages() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(new Shape(2, 10), forward(LeNet.build(), m, new Shape(2, 3, 32, 32)));
            assertEquals(new Shape(2, 10), forward(ResNet.small(1, 4, 10, true), m, new Shape(2, 3, 32, 32)));
            assertEquals(new Shape(2, 10), forward(ResNet.compact(4, 10), m, new Shape(2, 3, 32, 32)));
            assertEquals(new Shape(2, 10), forward(Mlp.build(new int[] {16}, 10), m, new Shape(2, 3, 32, 32)));
        }
        assertThrows(IllegalArgumentException.class, () -> LeNet.requireFits(new ImageShape(1, 11, 28)));
        assertEquals(RGB, LeNet.requireFits(RGB));
    }

    @Test
    void imageGridDrawsColourAndGreyImages() {
        ImageShape tiny = new ImageShape(3, 2, 2);
        float[] px = new float[2 * tiny.size()];
        Arrays.fill(px, 0, 4, 1f); // image 0: red
        Arrays.fill(px, 12 + 8, 12 + 12, 1f); // image 1: blue
        BufferedImage grid = Charts.imageGrid(px, tiny, new int[] {0, 1}, null, 2, 1);
        int cellW = 2 + 8;
        assertEquals(0xFF0000, grid.getRGB(4, 4) & 0xFFFFFF, "red pixel");
        assertEquals(0x0000FF, grid.getRGB(cellW + 4, 4) & 0xFFFFFF, "blue pixel");
        float[] grey = {0, 1, 0, 1};
        BufferedImage g1 = Charts.imageGrid(grey, 2, 2, new int[] {0}, null, 1, 1);
        BufferedImage g2 = Charts.imageGrid(grey, new ImageShape(1, 2, 2), new int[] {0}, null, 1, 1);
        for (int y = 0; y < g1.getHeight(); y++) {
            for (int x = 0; x < g1.getWidth(); x++) {
                assertEquals(g1.getRGB(x, y), g2.getRGB(x, y));
            }
        }
        assertEquals(0x000000, g1.getRGB(5, 4) & 0xFFFFFF, "full ink is black");
        assertNotEquals(g1.getRGB(4, 4), g1.getRGB(5, 4));
        assertThrows(IllegalArgumentException.class, () -> Charts.imageGrid(new float[8], new ImageShape(2, 2, 2), new int[] {0}, null, 1, 1));
    }
}
