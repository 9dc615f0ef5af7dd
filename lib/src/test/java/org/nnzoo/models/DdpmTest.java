package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.ImageShape;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/** Noise schedules, the closed-form forward process, the U-Net's shapes, sampling and training through Fit. */
class DdpmTest {

    private static final ImageShape MNIST = ImageShape.MNIST;

    @Test
    void alphaBarDecreasesStrictlyInsideZeroOne() {
        for (Ddpm.Schedule s : Ddpm.Schedule.values()) {
            for (int steps : new int[] {1000, 50}) {
                double[] ab = new Ddpm(steps, s).alphaBars();
                double[] beta = new Ddpm(steps, s).betas();
                assertEquals(steps, ab.length);
                for (int t = 0; t < steps; t++) {
                    assertTrue(ab[t] > 0 && ab[t] < 1, s + " T=" + steps + ": abar_" + t + " = " + ab[t]);
                    assertTrue(beta[t] > 0 && beta[t] < 1, s + " beta_" + t + " = " + beta[t]);
                    if (t > 0) {
                        assertTrue(ab[t] < ab[t - 1], s + " T=" + steps + ": abar not decreasing at " + t);
                    }
                }
                assertTrue(ab[steps - 1] < 0.01, s + " T=" + steps + ": x_T should be almost pure noise, abar_T = " + ab[steps - 1]);
            }
        }
        // the cosine schedule destroys information more slowly in the middle
        assertTrue(new Ddpm(1000, Ddpm.Schedule.COSINE).alphaBars()[500] > new Ddpm(1000, Ddpm.Schedule.LINEAR).alphaBars()[500]);
    }

    @Test
    void badParametersAreRejectedWithTheirName() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Ddpm(0, Ddpm.Schedule.LINEAR));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Ddpm(-5, Ddpm.Schedule.COSINE));
        assertThrows(IllegalArgumentException.class, () -> new Ddpm(10, null));
        Ddpm d = new Ddpm(10, Ddpm.Schedule.LINEAR);
        assertThrows(IllegalArgumentException.class, () -> d.sampler(MNIST).ddim(0));
        assertThrows(IllegalArgumentException.class, () -> d.sampler(MNIST).ddim(11));
        assertThrows(IllegalArgumentException.class, () -> d.trainingData(MNIST, new float[100], 8, 1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 4));
            var bad = assertThrows(IllegalArgumentException.class, () -> d.qSample(x, new int[] {0, 10}, m.zeros(new Shape(2, 4))));
            assertTrue(bad.getMessage().contains("0..9"), bad.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new UNet(MNIST, 6));
    }

    @Test
    void qSampleMatchesTheClosedFormMeanAndVariance() {
        Ddpm d = new Ddpm(1000, Ddpm.Schedule.LINEAR);
        double[] ab = d.alphaBars();
        int n = 20000;
        float[] pixel = {-1f, -0.3f, 0.4f, 1f};
        float[] x0 = new float[n * 4];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pixel, 0, x0, i * 4, 4);
            t[i] = i % 2 == 0 ? 100 : 700;
        }
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(x0, new Shape(n, 1, 2, 2));
            NDArray noise = m.randomNormal(new Shape(n, 1, 2, 2));
            float[] xt = d.qSample(x, t, noise).toFloatArray();
            float[] javaXt = new float[xt.length];
            d.qSample(x0, t, noise.toFloatArray(), javaXt, 4);
            assertArrayEquals(xt, javaXt, 1e-5f, "NDArray and float[] versions agree");
            for (int parity = 0; parity < 2; parity++) {
                int step = parity == 0 ? 100 : 700;
                for (int p = 0; p < 4; p++) {
                    double sum = 0;
                    double sq = 0;
                    int k = 0;
                    for (int i = parity; i < n; i += 2) {
                        double v = xt[i * 4 + p];
                        sum += v;
                        sq += v * v;
                        k++;
                    }
                    double mean = sum / k;
                    double var = sq / k - mean * mean;
                    assertEquals(Math.sqrt(ab[step]) * pixel[p], mean, 0.03, "mean at t=" + step + ", pixel " + pixel[p]);
                    assertEquals(1 - ab[step], var, 0.05 * (1 - ab[step]) + 0.01, "variance at t=" + step);
                }
            }
        }
    }

    @Test
    void uNetOutputHasTheInputShapeForAnyStep() {
        UNet net = new UNet(MNIST, 8);
        try (NDManager m = NDManager.newBaseManager()) {
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28), new Shape(2));
            for (int t : new int[] {0, 1, 499, 999}) {
                NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
                NDArray ts = m.create(new float[] {t, t});
                NDArray y = net.forward(new ParameterStore(m, false), new NDList(x, ts), false).head();
                assertEquals(new Shape(2, 1, 28, 28), y.getShape(), "t=" + t);
                assertTrue(Float.isFinite(y.sum().getFloat()));
            }
            var e = assertThrows(IllegalArgumentException.class, () -> net.forward(new ParameterStore(m, false),
                    new NDList(m.zeros(new Shape(2, 1, 32, 32)), m.zeros(new Shape(2))), false));
            assertTrue(e.getMessage().contains("(N, 1, 28, 28)"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> net.forward(new ParameterStore(m, false),
                    new NDList(m.zeros(new Shape(2, 1, 28, 28)), m.zeros(new Shape(3))), false));
            NDArray emb = UNet.timeEmbedding(m.create(new float[] {0, 10}), 8);
            assertEquals(new Shape(2, 8), emb.getShape());
            assertEquals(0f, emb.get(0, 0).getFloat(), 1e-6f); // sin(0)
            assertEquals(1f, emb.get(0, 4).getFloat(), 1e-6f); // cos(0)
        }
    }

    @Test
    void trainingThroughFitLowersTheNoiseLossAndSamplesAreImages() {
        ImageSet train = Slice.load(Mnist.Split.TRAIN);
        Ddpm d = new Ddpm(100, Ddpm.Schedule.COSINE);
        try (Model model = Model.newInstance("ddpm-test")) {
            model.setBlock(new UNet(MNIST, 8));
            History h = Fit.of(model, d.trainingData(MNIST, train.pixels(), 50, 1)).loss(Ddpm.epsilonLoss())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build())
                    .epochs(4).seed(1).run();
            double[] loss = h.values("train_loss");
            assertTrue(loss[0] > 0.3, "the first epoch's noise MSE should be near 1, got " + loss[0]);
            assertTrue(loss[3] < 0.8 * loss[0], "noise MSE should fall: " + java.util.Arrays.toString(loss));
            DdpmSampler.Result r = d.sampler(MNIST).ddim(5).record(0, 5).seed(3).sample(model, 3);
            assertEquals(3 * 784, r.pixels().length);
            for (float v : r.pixels()) {
                assertTrue(v >= 0 && v <= 1);
            }
            assertEquals(2, r.trajectory().size());
            assertArrayEquals(r.pixels(), r.trajectory().get(1), 0f, "the last recorded step is the result");
            DdpmSampler.Result again = d.sampler(MNIST).ddim(5).seed(3).sample(model, 3);
            assertArrayEquals(r.pixels(), again.pixels(), 0f, "same seed, same samples");
        }
    }

    @Test
    void vPredictionTargetGivesBackTheNoiseAndTheImage() {
        Ddpm d = new Ddpm(1000, Ddpm.Schedule.COSINE, Ddpm.Prediction.V);
        double[] ab = d.alphaBars();
        java.util.Random rnd = new java.util.Random(4);
        int[] t = {0, 300, 700, 999};
        float[] x0 = new float[t.length * 784];
        float[] eps = new float[x0.length];
        for (int j = 0; j < x0.length; j++) {
            x0[j] = (float) (2 * rnd.nextDouble() - 1);
            eps[j] = (float) rnd.nextGaussian();
        }
        float[] xt = new float[x0.length];
        float[] v = new float[x0.length];
        d.qSample(x0, t, eps, xt, 784);
        d.target(x0, t, eps, v, 784);
        for (int i = 0; i < t.length; i++) {
            double a = Math.sqrt(ab[t[i]]);
            double s = Math.sqrt(1 - ab[t[i]]);
            float[] xi = java.util.Arrays.copyOfRange(xt, i * 784, (i + 1) * 784);
            float[] vi = java.util.Arrays.copyOfRange(v, i * 784, (i + 1) * 784);
            for (int j = 0; j < 784; j++) { // v = a eps - s x0 and x0 = a x_t - s v
                assertEquals(a * eps[i * 784 + j] - s * x0[i * 784 + j], vi[j], 1e-5, "v at t=" + t[i]);
                assertEquals(x0[i * 784 + j], a * xi[j] - s * vi[j], 1e-4, "x0 from v at t=" + t[i]);
            }
            d.toEpsilon(xi, vi, t[i]); // eps = s x_t + a v
            for (int j = 0; j < 784; j++) {
                assertEquals(eps[i * 784 + j], vi[j], 1e-4, "eps from v at t=" + t[i]);
            }
        }
        // the epsilon model's target is the noise itself
        Ddpm e = new Ddpm(1000, Ddpm.Schedule.COSINE);
        float[] target = new float[x0.length];
        e.target(x0, t, eps, target, 784);
        assertArrayEquals(eps, target, 0f);
        assertThrows(IllegalArgumentException.class, () -> new Ddpm(10, Ddpm.Schedule.COSINE, null));
    }

    @Test
    void minSnrWeightsFollowHangEtAl() {
        Ddpm eps = new Ddpm(1000, Ddpm.Schedule.COSINE);
        Ddpm v = new Ddpm(1000, Ddpm.Schedule.COSINE, Ddpm.Prediction.V);
        double[] ab = eps.alphaBars();
        for (int t : new int[] {0, 10, 100, 500, 900, 999}) {
            double snr = ab[t] / (1 - ab[t]);
            assertEquals(snr, eps.snr(t), 1e-9 * snr);
            assertEquals(Math.min(snr, 5) / snr, eps.minSnrWeight(t, 5), 1e-12);
            assertEquals(Math.min(snr, 5) / (snr + 1), v.minSnrWeight(t, 5), 1e-12);
            assertEquals(1.0, eps.minSnrWeight(t, Double.POSITIVE_INFINITY), 1e-12, "no clipping: the plain loss");
        }
        assertTrue(eps.minSnrWeight(0, 5) < 0.01, "nearly clean steps are down-weighted");
        assertEquals(1.0, eps.minSnrWeight(999, 5), 1e-12, "noisy steps (SNR < gamma) keep weight 1");
        var bad = assertThrows(IllegalArgumentException.class, () -> eps.minSnrWeight(3, 0));
        assertTrue(bad.getMessage().contains("gamma"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> eps.trainingData(MNIST, new float[784], 1, 1, -1));
    }

    @Test
    void weightedLossIsThePerImageMseTimesTheWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray target = m.create(new float[] {0, 0, 0, 0, 1, 1, 1, 1}, new Shape(2, 1, 2, 2));
            NDArray pred = m.create(new float[] {1, 1, 1, 1, 1, 1, 1, 3}, new Shape(2, 1, 2, 2));
            // per image: mean((p - y)^2) = 1 and (0 + 0 + 0 + 4)/4 = 1; weights 0.5, 2
            float plain = Ddpm.weightedLoss().evaluate(new NDList(target), new NDList(pred)).getFloat();
            assertEquals(1f, plain, 1e-6f);
            assertEquals(Ddpm.epsilonLoss().evaluate(new NDList(target), new NDList(pred)).getFloat(), plain, 1e-6f);
            float w = Ddpm.weightedLoss().evaluate(new NDList(target, m.create(new float[] {0.5f, 2f})), new NDList(pred)).getFloat();
            assertEquals((0.5f * 1 + 2f * 1) / 2, w, 1e-6f);
        }
    }

    @Test
    void patchUNetHasTheInputShapeAndPatchesRoundTrip() {
        UNet net = new UNet(MNIST, 8, 2);
        assertEquals(2, net.patch());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(3, 1, 28, 28));
            NDArray p = UNet.toPatches(x);
            assertEquals(new Shape(3, 4, 14, 14), p.getShape());
            // channel 2 dy + dx at (i, j) is pixel (2i + dy, 2j + dx)
            assertEquals(x.getFloat(1, 0, 5, 8), p.getFloat(1, 2, 2, 4), 0f);
            assertEquals(x.getFloat(2, 0, 27, 27), p.getFloat(2, 3, 13, 13), 0f);
            assertArrayEquals(x.toFloatArray(), UNet.fromPatches(p).toFloatArray(), 0f);
            net.initialize(m, DataType.FLOAT32, new Shape(3, 1, 28, 28), new Shape(3));
            NDArray y = net.forward(new ParameterStore(m, false), new NDList(x, m.create(new float[] {0, 500, 999})), false).head();
            assertEquals(new Shape(3, 1, 28, 28), y.getShape());
            assertTrue(Float.isFinite(y.sum().getFloat()));
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new UNet(MNIST, 8, 3));
        assertTrue(e.getMessage().contains("patch"), e.getMessage());
    }

    @Test
    void vPredictionWithMinSnrTrainsThroughFit() {
        ImageSet train = Slice.load(Mnist.Split.TRAIN);
        Ddpm d = new Ddpm(100, Ddpm.Schedule.COSINE, Ddpm.Prediction.V);
        try (Model model = Model.newInstance("ddpm-v-test")) {
            model.setBlock(new UNet(MNIST, 8, 2));
            History h = Fit.of(model, d.trainingData(MNIST, train.pixels(), 50, 1, 5)).loss(Ddpm.weightedLoss())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build())
                    .epochs(4).seed(1).run();
            double[] loss = h.values("train_loss");
            assertTrue(loss[3] < 0.8 * loss[0], "weighted v loss should fall: " + java.util.Arrays.toString(loss));
            float[] px = d.sampler(MNIST).ddim(5).seed(3).sample(model, 2).pixels();
            assertEquals(2 * 784, px.length);
            for (float v : px) {
                assertTrue(v >= 0 && v <= 1);
            }
        }
    }

    @Test
    void classConditionalUNetUsesItsLabelInput() {
        UNet net = new UNet(MNIST, 8, 2, 10);
        assertEquals(10, net.classes());
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28), new Shape(2), new Shape(2));
            NDArray x = m.randomNormal(new Shape(2, 1, 28, 28));
            NDArray t = m.create(new float[] {300, 300});
            ParameterStore ps = new ParameterStore(m, false);
            float[] three = net.forward(ps, new NDList(x, t, m.create(new float[] {3, 3})), false).head().toFloatArray();
            float[] none = net.forward(ps, new NDList(x, t, m.create(new float[] {10, 10})), false).head().toFloatArray();
            assertEquals(2 * 784, three.length);
            double diff = 0;
            for (int j = 0; j < three.length; j++) {
                diff = Math.max(diff, Math.abs(three[j] - none[j]));
            }
            assertTrue(diff > 1e-4, "the label must change the output, max diff " + diff);
            var e = assertThrows(IllegalArgumentException.class, () -> net.forward(ps, new NDList(x, t), false));
            assertTrue(e.getMessage().contains("3 inputs"), e.getMessage());
            var e2 = assertThrows(IllegalArgumentException.class, () -> new UNet(MNIST, 8, 2).forward(ps, new NDList(x, t, t), false));
            assertTrue(e2.getMessage().contains("new UNet(image, width, patch, classes)"), e2.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new UNet(MNIST, 8, 2, -1));
    }

    /**
     * What the guided sampler relies on when it runs the network twice on a batch (with its labels, then with "no
     * label") instead of once on the batch stacked twice: every image's output is the same bits either way.
     */
    @Test
    void eachImageGetsTheSameBitsAloneInItsBatchAsInABatchStackedTwice() {
        UNet net = new UNet(MNIST, 32, 2, 10); // chapter 12's network
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            net.initialize(m, DataType.FLOAT32, new Shape(2, 1, 28, 28), new Shape(2), new Shape(2));
            for (int b : new int[] {24, 250}) { // 250: the chapter's sampling batch
                NDArray x = m.randomNormal(new Shape(b, 1, 28, 28));
                NDArray t = m.full(new Shape(b), 437f);
                NDArray y = m.randomInteger(0, 10, new Shape(b), DataType.INT32).toType(DataType.FLOAT32, false);
                NDArray none = m.full(new Shape(b), 10f);
                ParameterStore ps = new ParameterStore(m, false);
                float[] conditional = net.forward(ps, new NDList(x, t, y), false).head().toFloatArray();
                float[] unconditional = net.forward(ps, new NDList(x, t, none), false).head().toFloatArray();
                float[] stacked = net.forward(ps, new NDList(x.concat(x), t.concat(t), y.concat(none)), false).head()
                        .toFloatArray();
                assertArrayEquals(stacked, concat(conditional, unconditional), 0f, "batch " + b);
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void labelledTrainingDataDropsLabelsAtTheGivenRateAndKeepsTheNoise() {
        Ddpm d = new Ddpm(100, Ddpm.Schedule.COSINE);
        int n = 400;
        float[] px = new float[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            px[i * 784 + i % 784] = 1;
        }
        var plain = d.trainingData(MNIST, px, 100, 9);
        var labelled = d.trainingData(MNIST, px, labels, 10, 0.25, 100, 9);
        assertEquals(3, labelled.inputShapes().length);
        int dropped = 0;
        int total = 0;
        try (NDManager m = NDManager.newBaseManager()) {
            var a = plain.batches(m, 0).iterator();
            for (var b : labelled.batches(m, 0)) {
                var p = a.next();
                assertArrayEquals(p.getData().get(0).toFloatArray(), b.getData().get(0).toFloatArray(), 0f, "x_t as without labels");
                assertArrayEquals(p.getData().get(1).toFloatArray(), b.getData().get(1).toFloatArray(), 0f, "t as without labels");
                for (float y : b.getData().get(2).toFloatArray()) {
                    assertTrue(y >= 0 && y <= 10 && y == Math.rint(y), "label " + y);
                    dropped += y == 10 ? 1 : 0;
                    total++;
                }
                b.close();
                p.close();
            }
        }
        assertEquals(n, total);
        assertTrue(dropped > 70 && dropped < 130, "about a quarter of 400 labels dropped, got " + dropped);
        var e = assertThrows(IllegalArgumentException.class, () -> d.trainingData(MNIST, px, new int[] {1}, 10, 0.1, 100, 9));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> d.trainingData(MNIST, px, labels, 10, 1.0, 100, 9));
        int[] bad = labels.clone();
        bad[5] = 10;
        assertThrows(IllegalArgumentException.class, () -> d.trainingData(MNIST, px, bad, 10, 0.1, 100, 9));
    }

    /** A stand-in network: output c(y) everywhere for a label y, u for "no label" (y = 10). */
    private static Model constantNet(float[] c, float u) {
        Model model = Model.newInstance("constant");
        model.setBlock(new ai.djl.nn.LambdaBlock(in -> {
            float[] y = in.get(2).toFloatArray();
            float[] out = new float[y.length * 784];
            for (int i = 0; i < y.length; i++) {
                java.util.Arrays.fill(out, i * 784, (i + 1) * 784, y[i] == 10 ? u : c[(int) y[i]]);
            }
            return new NDList(in.get(0).getManager().create(out, in.get(0).getShape()));
        }));
        return model;
    }

    @Test
    void guidanceFollowsOnePlusWTimesConditionalMinusWTimesUnconditional() {
        Ddpm d = new Ddpm(100, Ddpm.Schedule.COSINE);
        float[] c = {0.3f, -0.2f};
        float u = 0.1f;
        double w = 2.5;
        float[] mixed = new float[2];
        for (int k = 0; k < 2; k++) {
            mixed[k] = (float) ((1 + w) * c[k] - w * u);
        }
        try (Model guidedNet = constantNet(c, u); Model expectedNet = constantNet(mixed, u)) {
            float[] guided = d.sampler(MNIST).ddim(4, 1.0).seed(2).labels(10, 0, 1).guidance(w).sample(guidedNet, 4).pixels();
            float[] expected = d.sampler(MNIST).ddim(4, 1.0).seed(2).labels(10, 0, 1).sample(expectedNet, 4).pixels();
            assertArrayEquals(expected, guided, 1e-6f, "guided = sampling with (1 + w) c - w u");
            float[] conditional = d.sampler(MNIST).ddim(4, 1.0).seed(2).labels(10, 0, 1).sample(guidedNet, 4).pixels();
            float[] zeroW = d.sampler(MNIST).ddim(4, 1.0).seed(2).labels(10, 0, 1).guidance(0).sample(guidedNet, 4).pixels();
            assertArrayEquals(conditional, zeroW, 0f, "w = 0 is plain conditional sampling");
            var e = assertThrows(IllegalArgumentException.class, () -> d.sampler(MNIST).guidance(1).sample(guidedNet, 1));
            assertTrue(e.getMessage().contains("labels"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> d.sampler(MNIST).labels(10, 11));
            assertThrows(IllegalArgumentException.class, () -> d.sampler(MNIST).guidance(-1));
        }
    }
}
