package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;
import org.nnzoo.data.Mnist;
import org.nnzoo.data.Slice;
import org.nnzoo.train.Evaluation;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.InMemoryDataset;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

class SnnTest {

    private static ImageSet slice(Mnist.Split split) {
        return Slice.load(split);
    }


    @Test
    void firstSpikeOfConstantInputMatchesClosedForm() {
        double[][] cases = {{0.9, 1.0, 0.15}, {0.95, 1.0, 0.3}, {0.8, 2.0, 0.5}, {0.5, 1.0, 0.7}, {0.99, 1.0, 0.02}};
        for (double[] c : cases) {
            Snn.Lif lif = new Snn.Lif((float) c[0], (float) c[1], Snn.Reset.SUBTRACT, Snn.Surrogate.FAST_SIGMOID, 25f);
            double[] current = new double[400];
            Arrays.fill(current, c[2]);
            Snn.Trace trace = lif.simulate(current);
            int first = -1;
            for (int t = 0; t < current.length && first < 0; t++) {
                if (trace.spikes()[t] == 1) {
                    first = t + 1;
                }
            }
            int expected = lif.firstSpikeStep(c[2]);
            assertTrue(expected > 1, "case " + Arrays.toString(c) + " should take more than one step");
            assertEquals(expected, first, "first spike for beta, theta, I = " + Arrays.toString(c));
            // before the first spike the membrane follows U[t] = I (1 - beta^t) / (1 - beta)
            for (int t = 1; t <= first; t++) {
                assertEquals(c[2] * (1 - Math.pow(c[0], t)) / (1 - c[0]), trace.membrane()[t - 1], 1e-6);
            }
        }
        // below the rheobase theta (1 - beta) it never fires
        Snn.Lif lif = new Snn.Lif(0.9f, 1f, Snn.Reset.SUBTRACT, Snn.Surrogate.FAST_SIGMOID, 25f);
        assertEquals(-1, lif.firstSpikeStep(0.099));
        double[] weak = new double[500];
        Arrays.fill(weak, 0.099);
        assertEquals(0, lif.simulate(weak).count());
    }

    @Test
    void resetToZeroFiresPeriodically() {
        Snn.Lif lif = new Snn.Lif(0.9f, 1f, Snn.Reset.ZERO, Snn.Surrogate.FAST_SIGMOID, 25f);
        double[] current = new double[60];
        Arrays.fill(current, 0.3);
        int period = lif.firstSpikeStep(0.3);
        int[] s = lif.simulate(current).spikes();
        for (int t = 0; t < s.length; t++) {
            assertEquals((t + 1) % period == 0 ? 1 : 0, s[t], "step " + (t + 1) + " with period " + period);
        }
    }

    @Test
    void tensorLifEqualsPlainJavaNeuron() {
        java.util.Random rnd = new java.util.Random(3);
        int steps = 40;
        int neurons = 6;
        for (Snn.Reset reset : Snn.Reset.values()) {
            Snn.Lif lif = new Snn.Lif(0.85f, 1f, reset, Snn.Surrogate.ARCTAN, 2f);
            float[] cur = new float[steps * neurons];
            for (int i = 0; i < cur.length; i++) {
                cur[i] = (float) (rnd.nextGaussian() * 0.5 + 0.3);
            }
            try (NDManager m = NDManager.newBaseManager()) {
                NDList out = lif.run(m.create(cur, new Shape(steps, 1, neurons)), steps, true);
                float[] spikes = out.get(0).toFloatArray();
                float[] mem = out.get(1).toFloatArray();
                for (int n = 0; n < neurons; n++) {
                    double[] c = new double[steps];
                    for (int t = 0; t < steps; t++) {
                        c[t] = cur[t * neurons + n];
                    }
                    Snn.Trace tr = lif.simulate(c);
                    for (int t = 0; t < steps; t++) {
                        assertEquals(tr.membrane()[t], mem[t * neurons + n], 1e-4, reset + " membrane, neuron " + n + " step " + t);
                        assertEquals(tr.spikes()[t], spikes[t * neurons + n], 0.0, reset + " spike, neuron " + n + " step " + t);
                    }
                }
            }
        }
    }

    @Test
    void spikeIsHeavisideForwardAndSurrogateBackward() {
        float[] grid = new float[81];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = -2f + i * 0.05f + 0.001f; // avoid exactly 0
        }
        for (Snn.Surrogate sg : Snn.Surrogate.values()) {
            float slope = sg == Snn.Surrogate.FAST_SIGMOID ? 25f : 2f;
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray v = m.create(grid);
                v.setRequiresGradient(true);
                float[] forward;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray s = Snn.spike(v, sg, slope);
                    forward = s.toFloatArray();
                    gc.backward(s.sum());
                }
                float[] grad = v.getGradient().toFloatArray();
                for (int i = 0; i < grid.length; i++) {
                    assertEquals(grid[i] > 0 ? 1f : 0f, forward[i], 0f, sg + " forward at " + grid[i]);
                    double d = sg.derivative(grid[i], slope);
                    assertEquals(d, grad[i], 1e-5 + 1e-4 * d, sg + " gradient at " + grid[i]);
                }
            }
            // the derivative is the derivative of smooth(): central differences
            for (double x : new double[] {-1, -0.2, 0.05, 0.3, 1.5}) {
                double h = 1e-6;
                assertEquals((sg.smooth(x + h, slope) - sg.smooth(x - h, slope)) / (2 * h), sg.derivative(x, slope), 1e-5);
            }
        }
    }

    @Test
    void rateCodeSpikesWithTheIntensityAsProbability() {
        float[] x = {0f, 0.1f, 0.25f, 0.5f, 0.9f, 1f};
        int steps = 20000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            float[] rate = SpikeCoding.rateCode(m.create(x), steps, 1f).mean(new int[] {0}).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                double sd = Math.sqrt(x[i] * (1 - x[i]) / steps);
                assertEquals(x[i], rate[i], 4 * sd + 1e-9, "spike rate for intensity " + x[i]);
            }
            // gain scales the probability, clipped at 1
            float[] rate2 = SpikeCoding.rateCode(m.create(x), steps, 2f).mean(new int[] {0}).toFloatArray();
            assertEquals(0.5, rate2[2], 4 * Math.sqrt(0.25 / steps));
            assertEquals(1.0, rate2[4], 0.0);
        }
    }

    @Test
    void latencyCodeFiresOnceBrighterEarlier() {
        float[] x = {0f, 0.005f, 0.2f, 0.5f, 1f};
        int steps = 11;
        try (NDManager m = NDManager.newBaseManager()) {
            float[] s = SpikeCoding.latencyCode(m.create(x), steps).toFloatArray();
            for (int i = 0; i < x.length; i++) {
                int count = 0;
                int when = -1;
                for (int t = 0; t < steps; t++) {
                    if (s[t * x.length + i] == 1f) {
                        count++;
                        when = t;
                    }
                }
                if (x[i] <= 0.01f) {
                    assertEquals(0, count, "dark input " + x[i] + " must stay silent");
                } else {
                    assertEquals(1, count, "one spike for " + x[i]);
                    assertEquals(Math.round((1 - x[i]) * (steps - 1)), when, "spike time of " + x[i]);
                }
            }
        }
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Snn.Lif(1.5f, 1f, Snn.Reset.ZERO, Snn.Surrogate.ARCTAN, 2f));
        assertTrue(e.getMessage().contains("beta"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Snn.network().steps(0));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
    }

    @Test
    void learnsMnistSliceWithSurrogateGradients() {
        ImageSet train = slice(Mnist.Split.TRAIN);
        ImageSet test = slice(Mnist.Split.TEST);
        InMemoryDataset trainData = InMemoryDataset.of(train, 32, true, 1);
        InMemoryDataset testData = InMemoryDataset.of(test, 100, false, 0);
        try (Model model = Model.newInstance("snn-test")) {
            Snn.Network net = Snn.network().hidden(64).steps(8).encoding(SpikeCoding.RATE, 1f).build();
            model.setBlock(net);
            History h = Fit.of(model, trainData).validation(testData).loss(new SnnReadout.MembraneLoss()).accuracy(true).epochs(8).seed(7)
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(2e-3f)).build()).run();
            double first = h.values("train_acc")[0];
            double last = h.last("train_acc");
            assertTrue(last > 0.9, "training accuracy after 8 epochs: " + last + " (first epoch " + first + ")");
            double testAcc = Evaluation.accuracy(test.labels(), Evaluation.predictClasses(model, testData));
            assertTrue(testAcc > 0.6, "test accuracy on the 300-image slice: " + testAcc);
            // the recorded spikes are binary and the counts are their sum over time
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray x = m.create(Arrays.copyOf(test.pixels(), 5 * 784), new Shape(5, 1, 28, 28));
                NDList rec = net.record(x);
                assertEquals(new Shape(8, 5, 784), rec.get(1).getShape());
                assertEquals(new Shape(8, 5, 64), rec.get(2).getShape());
                NDArray out = rec.get(3);
                assertEquals(new Shape(8, 5, 10), rec.get(4).getShape());
                assertEquals(0L, out.mul(out.sub(1f)).abs().sum().getFloat(), 0f);
                assertArrayEquals(out.sum(new int[] {0}).toFloatArray(), rec.get(0).toFloatArray(), 0f);
            }
        }
    }
    /** Prediction: most spikes wins; a tie in spike counts goes to the higher mean membrane, never outranking a spike. */
    @Test
    void scoresBreakSpikeCountTiesByMembrane() {
        try (NDManager m = NDManager.newBaseManager()) {
            // two samples, three classes, T = 2
            NDArray counts = m.create(new float[] {3, 3, 0, 0, 1, 0}, new Shape(2, 3));
            NDArray membrane = m.create(new float[] {
                20f, 30f, 50f, -40f, -30f, 600f, // t = 0: sample 0, then sample 1
                20f, 30f, 50f, -40f, -30f, 600f}, new Shape(2, 2, 3));
            NDArray scores = SnnReadout.scores(counts, membrane);
            // sample 0: classes 0 and 1 tie at 3 spikes, class 1's membrane is higher (both large: a sigmoid would round
            // both to 1 and tie again); class 2 never fired
            // sample 1: class 1 fired once, class 2's huge membrane does not outrank it
            assertArrayEquals(new long[] {1, 1}, scores.argMax(1).toLongArray());
            float[] sc = scores.toFloatArray();
            for (int i = 0; i < sc.length; i++) {
                float c = counts.toFloatArray()[i];
                assertTrue(sc[i] > c && sc[i] < c + 0.5f, "score " + sc[i] + " for count " + c);
            }
        }
    }
}
