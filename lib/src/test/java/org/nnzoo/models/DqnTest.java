package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.Env;
import org.nnzoo.rl.EpisodeLog;
import org.nnzoo.rl.HuberLoss;
import org.nnzoo.rl.LinearSchedule;
import org.nnzoo.rl.RlLoop;
import org.nnzoo.train.ResidentMemory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.engine.Engine;

class DqnTest {

    private static int threadsBefore;

    @org.junit.jupiter.api.BeforeAll
    static void oneTorchThread() {
        // the networks are tiny; with 2 threads on a busy 2-core machine an update is ~40x slower
        threadsBefore = Dqn.torchThreads(1);
    }

    @org.junit.jupiter.api.AfterAll
    static void restoreTorchThreads() {
        Dqn.torchThreads(threadsBefore);
    }

    static Dqn.Config small(long learningStarts, int trainEvery, int targetEvery) {
        Dqn.Config c = new Dqn.Config();
        c.hidden = new int[] {32, 32};
        c.bufferSize = 2000;
        c.batchSize = 32;
        c.learningStarts = learningStarts;
        c.trainEvery = trainEvery;
        c.targetEvery = targetEvery;
        c.epsilon = new LinearSchedule(1.0, 0.05, 2000);
        c.learningRate = 1e-3f;
        c.seed = 4;
        return c;
    }

    @Test
    void aFallOnTheTimeLimitsStepIsStoredAsTerminal() {
        // CartPole (as Gymnasium) reports terminated AND truncated when the pole falls on step 500: the replay
        // buffer must keep it terminal (no bootstrap), and a truncation alone must stay non-terminal
        try (Dqn dqn = new Dqn(4, 2, small(1000, 1, 100))) {
            double[] s = {0.01, 0.02, 0.03, 0.04};
            dqn.observe(s, 1, new Env.Step(new double[] {0.1, 0.2, 0.3, 0.4}, 1, true, true));
            float[] terminal = dqn.buffer().sample(8, new java.util.SplittableRandom(1)).terminated;
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, terminal);
        }
        try (Dqn dqn = new Dqn(4, 2, small(1000, 1, 100))) {
            dqn.observe(new double[4], 0, new Env.Step(new double[4], 1, false, true));
            assertArrayEquals(new float[8], dqn.buffer().sample(8, new java.util.SplittableRandom(1)).terminated);
        }
    }

    @Test
    void huberLossMatchesItsDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] pred = {0f, 0.5f, -0.3f, 2f, -4f};
            float[] label = {0f, 0f, 0f, 0f, 0f};
            double expected = 0;
            for (float d : pred) {
                double a = Math.abs(d);
                expected += a <= 1 ? 0.5 * a * a : a - 0.5;
            }
            expected /= pred.length;
            NDArray l = new HuberLoss().of(m.create(pred), m.create(label));
            assertEquals(expected, l.getFloat(), 1e-6);
            // delta 2: 0.5 d^2 below 2, 2 (|d| - 1) above
            double e2 = (0 + 0.125 + 0.045 + 2.0 + 2 * 3) / 5.0;
            assertEquals(e2, new HuberLoss(2f).of(m.create(pred), m.create(label)).getFloat(), 1e-6);
        }
    }

    @Test
    void clipGradNormScalesAllGradientsToTheLimit() {
        Engine.getInstance().setRandomSeed(1);
        try (NDManager m = NDManager.newBaseManager()) {
            Linear lin = Linear.builder().setUnits(3).build();
            lin.initialize(m, DataType.FLOAT32, new Shape(4, 5));
            lin.getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(4, 5)).mul(50);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(lin.forward(ps, new NDList(x), true).singletonOrThrow().square().sum());
            }
            try (NDManager sub = m.newSubManager()) {
                double before = Dqn.clipGradNorm(lin, 1.0, sub);
                assertTrue(before > 1.0, "test needs a large gradient, got " + before);
                double after = Dqn.clipGradNorm(lin, 1.0, sub);
                assertEquals(1.0, after, 1e-4);
                // below the limit nothing changes
                assertEquals(after, Dqn.clipGradNorm(lin, 10.0, sub), 1e-6);
            }
        }
    }

    @Test
    void targetNetworkChangesOnlyOnItsSchedule() {
        Dqn.Config c = small(50, 1, 25);
        double[] probe = {0.01, -0.02, 0.03, 0.04};
        CartPole env = new CartPole();
        try (Dqn dqn = new Dqn(4, 2, c)) {
            assertArrayEquals(dqn.qValues(probe), dqn.targetQValues(probe), "target starts as a copy");
            float[] target = dqn.targetQValues(probe);
            double[] s = env.reset(1);
            int syncs = 0;
            for (int t = 1; t <= 200; t++) {
                int a = dqn.act(s, true);
                Env.Step st = env.step(a);
                dqn.observe(s, a, st);
                s = st.done() ? env.reset() : st.observation();
                float[] now = dqn.targetQValues(probe);
                boolean scheduled = t > 50 && t % 25 == 0;
                if (scheduled) {
                    syncs++;
                    assertFalse(Arrays.equals(target, now), "target not updated at step " + t);
                    assertArrayEquals(dqn.qValues(probe), now, "target is not a copy of the online network at step " + t);
                } else {
                    assertArrayEquals(target, now, "target changed off schedule at step " + t);
                }
                if (t > 50 && !scheduled) {
                    // meanwhile the online network does learn
                    assertFalse(Arrays.equals(dqn.qValues(probe), now), "online network did not change at step " + t);
                }
                target = now;
            }
            assertEquals(6, syncs);
            assertEquals(6, dqn.targetSyncs());
            assertEquals(150, dqn.updates());
        }
    }

    @Test
    void snapshotRestoreAndKeepingTheBest() {
        double[] probe = {0.01, -0.02, 0.03, 0.04};
        try (Dqn dqn = new Dqn(4, 2, small(100, 1, 50))) {
            float[][] w = dqn.snapshot();
            float[] q0 = dqn.qValues(probe);
            Dqn.Run run = dqn.trainKeepingBest(new CartPole(), new CartPole(), 400, 1, "dqn", 100, 3, 77);
            assertEquals(4, run.checkSteps().length);
            assertEquals(300, dqn.updates());
            double best = Arrays.stream(run.checkReturns()).max().getAsDouble();
            assertEquals(best, run.bestReturn());
            assertFalse(Arrays.equals(q0, dqn.qValues(probe)));
            dqn.restore(w);
            assertArrayEquals(q0, dqn.qValues(probe));
            assertArrayEquals(q0, dqn.targetQValues(probe));
            // the best snapshot reproduces its validation score
            dqn.restore(run.bestWeights());
            assertEquals(run.bestReturn(), RlLoop.mean(RlLoop.evaluate(new CartPole(), dqn, 3, 77)));
        }
    }

    @Test
    void sameSeedSameRun() {
        double[][] runs = new double[2][];
        float[][] q = new float[2][];
        for (int r = 0; r < 2; r++) {
            try (Dqn dqn = new Dqn(4, 2, small(300, 2, 100))) {
                EpisodeLog log = RlLoop.train(new CartPole(), dqn, 1500, 7, "dqn");
                runs[r] = log.returns();
                q[r] = dqn.qValues(new double[] {0.1, 0.2, -0.05, 0.3});
            }
        }
        assertArrayEquals(runs[0], runs[1]);
        assertArrayEquals(q[0], q[1]);
    }

    @Test
    void nativeMemoryStaysFlatOverTwentyThousandSteps() throws IOException {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc");
        try (Dqn dqn = new Dqn(4, 2, small(500, 4, 500))) {
            CartPole env = new CartPole();
            RlLoop.train(env, dqn, 2_000, 1, "warm-up");
            // four equal windows of 5,000 steps: a leak grows every window by about the same amount, so the median
            // window shows it; a one-off step (glibc's free lists, which NativeTuning lets hold 128 MiB, JIT-compiled
            // code, a new OpenMP arena) shows in one window only
            long[] settled = new long[5];
            long[] growthMb = new long[4];
            settled[0] = ResidentMemory.settledNativeKb();
            for (int w = 0; w < 4; w++) {
                RlLoop.train(env, dqn, 5_000, 2 + w, "memory, window " + (w + 1));
                settled[w + 1] = ResidentMemory.settledNativeKb();
                growthMb[w] = (settled[w + 1] - settled[w]) / 1024;
            }
            long[] sorted = growthMb.clone();
            Arrays.sort(sorted);
            double medianMb = (sorted[1] + sorted[2]) / 2.0;
            System.out.printf("DQN: 4 x 5,000 steps (%d updates); settled resident memory outside the Java heap %s MB;"
                    + " growth per window %s MB, median %.1f MB%n", dqn.updates(),
                    Arrays.toString(Arrays.stream(settled).map(kb -> kb / 1024).toArray()), Arrays.toString(growthMb), medianMb);
            assertEquals(22_000, dqn.steps());
            assertTrue(medianMb < 16, "native memory grows by " + medianMb + " MB per 5,000 steps (median of 4 windows: "
                    + Arrays.toString(growthMb) + " MB)");
        }
    }
}
