package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
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
        assertThrows(IllegalArgumentException.class, () -> d.sampler().ddim(0));
        assertThrows(IllegalArgumentException.class, () -> d.sampler().ddim(11));
        assertThrows(IllegalArgumentException.class, () -> d.trainingData(new float[100], 8, 1));
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 4));
            var bad = assertThrows(IllegalArgumentException.class, () -> d.qSample(x, new int[] {0, 10}, m.zeros(new Shape(2, 4))));
            assertTrue(bad.getMessage().contains("0..9"), bad.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new UNet(6));
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
        UNet net = new UNet(8);
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
            model.setBlock(new UNet(8));
            History h = Fit.of(model, d.trainingData(train.pixels(), 50, 1)).loss(Ddpm.epsilonLoss())
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(3e-3f)).build())
                    .epochs(4).seed(1).run();
            double[] loss = h.values("train_loss");
            assertTrue(loss[0] > 0.3, "the first epoch's noise MSE should be near 1, got " + loss[0]);
            assertTrue(loss[3] < 0.8 * loss[0], "noise MSE should fall: " + java.util.Arrays.toString(loss));
            Ddpm.Result r = d.sampler().ddim(5).record(0, 5).seed(3).sample(model, 3);
            assertEquals(3 * 784, r.pixels().length);
            for (float v : r.pixels()) {
                assertTrue(v >= 0 && v <= 1);
            }
            assertEquals(2, r.trajectory().size());
            assertArrayEquals(r.pixels(), r.trajectory().get(1), 0f, "the last recorded step is the result");
            Ddpm.Result again = d.sampler().ddim(5).seed(3).sample(model, 3);
            assertArrayEquals(r.pixels(), again.pixels(), 0f, "same seed, same samples");
        }
    }
}
