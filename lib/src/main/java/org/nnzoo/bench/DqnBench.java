package org.nnzoo.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

import org.nnzoo.models.Dqn;
import org.nnzoo.models.Mlp;
import org.nnzoo.rl.Agent;
import org.nnzoo.rl.CartPole;
import org.nnzoo.rl.Env;
import org.nnzoo.rl.EpisodeLog;
import org.nnzoo.rl.HuberLoss;
import org.nnzoo.rl.LinearSchedule;
import org.nnzoo.rl.ReplayBuffer;
import org.nnzoo.rl.RlLoop;

/**
 * The benchmark row dqn: chapter 14's DQN on CartPole ({@code notebooks/14-dqn-cartpole.ipynb}) trained by the
 * library's own loop, {@link RlLoop#train} driving a {@link Dqn} with the notebook's settings ({@link #notebookConfig}),
 * minus the greedy validation that the notebook's {@code Dqn.trainKeepingBest} runs every 1,000 steps. The run is
 * cut into epochs of {@code --steps} environment steps by {@code RlLoop.train}'s check callback, which here only
 * reads the clock; the first epoch (with the replay buffer's fill before learning starts) is the warm-up. Unit:
 * environment steps per second, environment stepping, acting, the replay buffer, the gradient updates and the target
 * copies included. {@code environment/bench_torch_dqn.py} is the same loop in plain PyTorch with Gymnasium's
 * {@code CartPole-v1}.
 *
 * <pre>
 * java ... org.nnzoo.bench.Bench run dqn [--steps N] [--epochs E]
 * </pre>
 * With {@code NNZOO_FIT_PHASES=1} (or {@code -Dnnzoo.fit.phases=true}) it prints per epoch where the time of an
 * environment step goes (acting, environment, replay add, training rounds, target copies; measured around the
 * library's calls) and, after the run, the phases of one gradient update, measured on a replica of
 * {@code Dqn.update} (the same DJL calls in the same order, timed between them). {@code NNZOO_BENCH_PROFILE=FILE}
 * writes PyTorch's profiler trace of epoch 2 (Chrome JSON), as the other rows do.
 */
final class DqnBench {

    private DqnBench() {
    }

    /** The notebook's DQN settings (chapter 14's training cell; none of them depends on the profile). */
    static Dqn.Config notebookConfig() {
        Dqn.Config cfg = new Dqn.Config();
        cfg.hidden = new int[] {256, 256};
        cfg.learningRate = 2.3e-3f;
        cfg.batchSize = 64;
        cfg.bufferSize = 100_000;
        cfg.learningStarts = 1_000;
        cfg.trainEvery = 256;
        cfg.gradientSteps = 128;
        cfg.targetEvery = 10;
        cfg.gamma = 0.99;
        cfg.maxGradNorm = 10;
        cfg.epsilon = new LinearSchedule(1.0, 0.04, 8_000);
        cfg.seed = 1;
        return cfg;
    }

    static void run(Map<String, String> opt) {
        int perEpoch = Integer.parseInt(opt.getOrDefault("steps", "5120"));
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "4"));
        if (epochs < 2) {
            throw new IllegalArgumentException("--epochs must be at least 2 (the first is a warm-up), got " + epochs);
        }
        Dqn.Config cfg = notebookConfig();
        if (perEpoch < cfg.learningStarts + cfg.trainEvery) {
            throw new IllegalArgumentException("--steps must be at least " + (cfg.learningStarts + cfg.trainEvery)
                    + " so that the warm-up epoch includes a training round, got " + perEpoch);
        }
        boolean phases = "true".equalsIgnoreCase(System.getProperty("nnzoo.fit.phases"))
                || "1".equals(System.getenv("NNZOO_FIT_PHASES"));
        long t0 = System.nanoTime();
        Dqn dqn = new Dqn(4, 2, cfg);
        long params = 0;
        for (Pair<String, Parameter> p : dqn.network().getParameters()) {
            params += p.getValue().getArray().size();
        }
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.println("java dqn: " + cfg + "; " + params + " parameters; " + epochs + " epochs of " + perEpoch
                + " environment steps; Adam eps 1e-8 (DJL's default); expected acting forward passes per epoch "
                + "(sum of 1 - epsilon): " + expectedActingForwards(cfg.epsilon, perEpoch, epochs));

        Bench.Clock clock = new Bench.Clock(); // NNZOO_BENCH_PROFILE: it profiles epoch 2
        Timed timed = phases ? new Timed(dqn, new CartPole(), cfg) : null;
        Env env = phases ? timed.env : new CartPole();
        Agent agent = phases ? timed : dqn;
        long[] mark = {0, 0, 0};  // updates, target syncs, finished episodes before the epoch
        int[] epoch = {0};
        clock.start();
        EpisodeLog log = RlLoop.train(env, agent, (long) epochs * perEpoch, 1, "bench dqn", perEpoch, t -> {
            clock.stop(perEpoch);
            int e = epoch[0]++;
            System.out.printf(Locale.ROOT, "java dqn epoch %d/%d: %d steps, %d gradient updates, %d target syncs, "
                            + "epsilon %.3f, loss %.4f%n", e + 1, epochs, perEpoch, dqn.updates() - mark[0],
                    dqn.targetSyncs() - mark[1], dqn.epsilon(), dqn.lastLoss());
            mark[0] = dqn.updates();
            mark[1] = dqn.targetSyncs();
            if (timed != null) {
                timed.report(e, perEpoch);
            }
            if (e + 1 < epochs) {
                clock.start();
            }
        });
        printReturns(log, perEpoch, epochs);
        double lastLoss = dqn.lastLoss();
        if (phases) {
            updatePhases(dqn, cfg);  // trains the agent on (Dqn.update alone): read its loss before
        }
        Bench.report("dqn", "steps", perEpoch, cfg.batchSize, clock.rates(), clock.cpuRates(), lastLoss,
                clock.warmupSeconds(), loadSeconds);
        dqn.close();
    }

    /** @return the expected number of greedy actions (one forward pass each) in each epoch */
    static String expectedActingForwards(LinearSchedule eps, int perEpoch, int epochs) {
        long[] out = new long[epochs];
        for (int e = 0; e < epochs; e++) {
            double s = 0;
            for (long t = (long) e * perEpoch; t < (long) (e + 1) * perEpoch; t++) {
                s += 1 - eps.value(t);
            }
            out[e] = Math.round(s);
        }
        return Arrays.toString(out);
    }

    /** Episodes finished in each epoch and their mean return (to compare the learning with the Python side's). */
    static void printReturns(EpisodeLog log, int perEpoch, int epochs) {
        long[] ends = log.endSteps();
        double[] returns = log.returns();
        StringBuilder s = new StringBuilder("java dqn returns per epoch (episodes finished, mean return, max):");
        for (int e = 0; e < epochs; e++) {
            int n = 0;
            double sum = 0;
            double max = 0;
            for (int i = 0; i < ends.length; i++) {
                if ((ends[i] - 1) / perEpoch == e) {
                    n++;
                    sum += returns[i];
                    max = Math.max(max, returns[i]);
                }
            }
            s.append(String.format(Locale.ROOT, " [%d: %d, %.1f, %.0f]", e + 1, n, n == 0 ? Double.NaN : sum / n, max));
        }
        System.out.println(s);
    }

    /**
     * The library's agent and environment with a clock read around each call (NNZOO_FIT_PHASES=1): acting, the
     * environment's step, and {@code Dqn.observe} split by what it did (replay add only; add and target copy; add
     * and a training round of {@code gradientSteps} updates, with or without a target copy).
     */
    static final class Timed implements Agent {
        private final Dqn dqn;
        private final Dqn.Config cfg;
        final Env env;
        // nanoseconds: greedy acts, random acts, env steps, observe (add only), observe (add + sync), observe (round)
        private final long[] ns = new long[6];
        private final long[] n = new long[6];
        private long epochStart = System.nanoTime();

        Timed(Dqn dqn, CartPole cartPole, Dqn.Config cfg) {
            this.dqn = dqn;
            this.cfg = cfg;
            this.env = new Env() {
                @Override
                public int observationSize() {
                    return cartPole.observationSize();
                }

                @Override
                public int actionCount() {
                    return cartPole.actionCount();
                }

                @Override
                public double[] reset(long seed) {
                    return cartPole.reset(seed);
                }

                @Override
                public double[] reset() {
                    return cartPole.reset();
                }

                @Override
                public Step step(int action) {
                    long a = System.nanoTime();
                    Step s = cartPole.step(action);
                    add(2, System.nanoTime() - a);
                    return s;
                }
            };
        }

        private void add(int k, long nanos) {
            ns[k] += nanos;
            n[k]++;
        }

        @Override
        public int act(double[] observation, boolean explore) {
            long a = System.nanoTime();
            int action = dqn.act(observation, explore);
            long d = System.nanoTime() - a;
            add(d > 3_000 ? 0 : 1, d);  // a random action takes well under a microsecond, a forward pass tens
            return action;
        }

        @Override
        public void observe(double[] s, int action, Env.Step step) {
            long t = dqn.steps() + 1;  // the step number observe is about to count
            boolean learning = t > cfg.learningStarts;
            int k = learning && t % cfg.trainEvery == 0 ? 5 : learning && t % cfg.targetEvery == 0 ? 4 : 3;
            long a = System.nanoTime();
            dqn.observe(s, action, step);
            add(k, System.nanoTime() - a);
        }

        @Override
        public String status() {
            return dqn.status();
        }

        void report(int epoch, int steps) {
            long wall = System.nanoTime() - epochStart;
            double add = n[3] + n[4] + n[5] == 0 ? 0 : (double) ns[3] / Math.max(1, n[3]);  // one replay add
            double sync = n[4] == 0 ? 0 : ns[4] / (double) n[4] - add;                     // one target copy
            long roundSyncs = 0;
            for (long t = dqn.steps() - steps + 1; t <= dqn.steps(); t++) {
                if (t > cfg.learningStarts && t % cfg.trainEvery == 0 && t % cfg.targetEvery == 0) {
                    roundSyncs++;
                }
            }
            double rounds = ns[5] - n[5] * add - roundSyncs * sync;
            double[] us = {
                ns[0] / 1e3 / steps, ns[1] / 1e3 / steps, ns[2] / 1e3 / steps, add * (n[3] + n[4] + n[5]) / 1e3 / steps,
                sync * (n[4] + roundSyncs) / 1e3 / steps, rounds / 1e3 / steps, 0};
            double sum = 0;
            for (int i = 0; i < 6; i++) {
                sum += us[i];
            }
            us[6] = wall / 1e3 / steps - sum;
            long updates = n[5] * cfg.gradientSteps;
            System.out.printf(Locale.ROOT, "java dqn: epoch %d phases, us per env step (%d steps; %d greedy acts of %.1f us,"
                            + " %d target syncs of %.1f us, %d updates of %.1f us): act greedy (forward) %.1f; act random %.1f;"
                            + " env step %.1f; replay add %.1f; target sync %.1f; training rounds %.1f; loop and rest %.1f;"
                            + " total %.1f%n",
                    epoch + 1, steps, n[0], n[0] == 0 ? 0 : ns[0] / 1e3 / n[0], n[4] + roundSyncs, sync / 1e3, updates,
                    updates == 0 ? 0 : rounds / 1e3 / updates, us[0], us[1], us[2], us[3], us[4], us[5], us[6],
                    wall / 1e3 / steps);
            Arrays.fill(ns, 0);
            Arrays.fill(n, 0);
            epochStart = System.nanoTime();
        }
    }

    /**
     * The phases of one gradient update, on a replica of {@code Dqn.update} (same DJL calls, same order, a clock read
     * between them) with its own network and Adam, sampling the trained agent's replay buffer; and the library's own
     * {@code ReplayBuffer.sample}, {@code Dqn.syncTarget} and {@code Dqn.qValues} timed alone.
     */
    static void updatePhases(Dqn dqn, Dqn.Config cfg) {
        int warm = 256;
        int count = 1024;
        ReplayBuffer buffer = dqn.buffer();
        SplittableRandom random = new SplittableRandom(7);
        HuberLoss loss = new HuberLoss(cfg.huberDelta);
        String[] names = {"sample (ReplayBuffer.sample, one-hot)", "create arrays (s, s', mask, r, d)",
            "target forward", "TD target", "online forward + mask + loss (in collector)", "backward (gc.backward)",
            "close collector", "clip grad norm (incl. norm read)", "trainer.step (Adam)", "loss read (getFloat)",
            "close sub-manager"};
        long[] ns = new long[names.length];
        try (Model online = Model.newInstance("dqn-replica"); Model target = Model.newInstance("dqn-replica-target")) {
            online.setBlock(Mlp.build(cfg.hidden, 2));
            Trainer trainer = online.newTrainer(new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(cfg.learningRate)).build()));
            trainer.initialize(new Shape(1, 4));
            target.setBlock(Mlp.build(cfg.hidden, 2));
            target.getBlock().initialize(target.getNDManager(), DataType.FLOAT32, new Shape(1, 4));
            ParameterStore targetStore = new ParameterStore(target.getNDManager(), false);
            for (int i = 0; i < warm + count; i++) {
                if (i == warm) {
                    Arrays.fill(ns, 0);
                }
                long a = System.nanoTime();
                ReplayBuffer.Batch b = buffer.sample(cfg.batchSize, random);
                int nb = b.size();
                float[] oneHot = new float[nb * 2];
                for (int k = 0; k < nb; k++) {
                    oneHot[k * 2 + b.actions[k]] = 1f;
                }
                long p0 = System.nanoTime();
                ns[0] += p0 - a;
                long p10;
                try (NDManager sub = trainer.getManager().newSubManager()) {
                    NDArray s = sub.create(b.obs, new Shape(nb, 4));
                    NDArray s2 = sub.create(b.nextObs, new Shape(nb, 4));
                    NDArray mask = sub.create(oneHot, new Shape(nb, 2));
                    NDArray r = sub.create(b.rewards);
                    NDArray d = sub.create(b.terminated);
                    long p1 = System.nanoTime();
                    NDArray q2 = target.getBlock().forward(targetStore, new NDList(s2), false).singletonOrThrow();
                    long p2 = System.nanoTime();
                    NDArray y = Dqn.tdTarget(r, d, q2, (float) cfg.gamma);
                    long p3 = System.nanoTime();
                    NDArray l;
                    long p4;
                    long p5;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDArray q = trainer.forward(new NDList(s)).singletonOrThrow();
                        NDArray qa = q.mul(mask).sum(new int[] {1});
                        l = loss.of(qa, y);
                        p4 = System.nanoTime();
                        gc.backward(l);
                        p5 = System.nanoTime();
                    }
                    long p6 = System.nanoTime();
                    Dqn.clipGradNorm(online.getBlock(), cfg.maxGradNorm, sub);
                    long p7 = System.nanoTime();
                    trainer.step();
                    long p8 = System.nanoTime();
                    l.getFloat();
                    long p9 = System.nanoTime();
                    long[] marks = {p0, p1, p2, p3, p4, p5, p6, p7, p8, p9};
                    for (int k = 1; k < marks.length; k++) {
                        ns[k] += marks[k] - marks[k - 1];
                    }
                    p10 = p9;
                }
                ns[10] += System.nanoTime() - p10;
            }
            trainer.close();
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "java dqn: update phases (replica of Dqn.update, %d updates after %d warm-up), us per update:", count, warm));
        double total = 0;
        for (int k = 0; k < names.length; k++) {
            s.append(String.format(Locale.ROOT, " %s %.1f;", names[k], ns[k] / 1e3 / count));
            total += ns[k] / 1e3 / count;
        }
        System.out.println(s.append(String.format(Locale.ROOT, " total %.1f", total)));

        // the library's own pieces, alone
        long a = System.nanoTime();
        for (int i = 0; i < count; i++) {
            buffer.sample(cfg.batchSize, random);
        }
        double sample = (System.nanoTime() - a) / 1e3 / count;
        for (int i = 0; i < 64; i++) {
            dqn.syncTarget();
        }
        a = System.nanoTime();
        for (int i = 0; i < 256; i++) {
            dqn.syncTarget();
        }
        double sync = (System.nanoTime() - a) / 1e3 / 256;
        double[] obs = {0.01, -0.02, 0.03, 0.04};
        for (int i = 0; i < 256; i++) {
            dqn.qValues(obs);
        }
        a = System.nanoTime();
        for (int i = 0; i < count; i++) {
            dqn.qValues(obs);
        }
        double act = (System.nanoTime() - a) / 1e3 / count;
        a = System.nanoTime();
        for (int i = 0; i < 256; i++) {
            dqn.update();
        }
        double update = (System.nanoTime() - a) / 1e3 / 256;
        System.out.printf(Locale.ROOT, "java dqn: alone, us per call: ReplayBuffer.sample(64) %.1f; Dqn.syncTarget %.1f;"
                + " Dqn.qValues (acting forward) %.1f; Dqn.update %.1f%n", sample, sync, act, update);
    }
}
