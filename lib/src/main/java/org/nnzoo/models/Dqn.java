package org.nnzoo.models;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.nnzoo.rl.Agent;
import org.nnzoo.rl.Env;
import org.nnzoo.rl.EpisodeLog;
import org.nnzoo.rl.RlLoop;
import org.nnzoo.rl.HuberLoss;
import org.nnzoo.rl.LinearSchedule;
import org.nnzoo.rl.ReplayBuffer;
import org.nnzoo.train.OptimizerStep;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;

/**
 * Deep Q-network: a neural network {@code Q(s, . ; theta)} that outputs one value per action, trained
 * towards the one-step Bellman target of a slowly updated copy of itself:
 * <pre>
 * y = r + gamma (1 - terminal) max_a' Q(s', a'; theta-),   loss = Huber(Q(s, a; theta) - y)
 * </pre>
 * with experience replay (uniform mini-batches from the last N transitions), a target network
 * {@code theta-} copied from {@code theta} every C steps, epsilon-greedy exploration with a linearly
 * decaying epsilon, Adam, and gradient clipping by global norm.
 *
 * <p>V. Mnih et al., "Human-level control through deep reinforcement learning", Nature 518, 2015 (and
 * "Playing Atari with deep reinforcement learning", arXiv:1312.5602, 2013). The default settings are
 * CleanRL's {@code dqn.py} for CartPole (S. Huang et al., JMLR 23, 2022): network 120-84, lr 2.5e-4,
 * buffer 10,000, batch 128, gamma 0.99, target copy every 500 steps, epsilon 1 to 0.05 over half the run,
 * learning from step 10,000, one update every 10 steps; plus Stable-Baselines3's Huber loss and gradient
 * norm 10. The notebook uses rl-baselines3-zoo's tuned CartPole settings instead ({@code gradientSteps}
 * 128 every 256 steps, 256-256 network, lr 2.3e-3, batch 64, target copy every 10 steps), which solved
 * the task in 60,000 steps; in a probe with the defaults above the greedy policy was still poor after
 * 200,000 steps (epsilon still 0.24 there), so they are the slower choice on a CPU.
 *
 * <p>The network is {@link Mlp#build} (DJL blocks). Each action choice and each update runs in its own
 * sub-manager that is closed right after, so native memory stays flat over any number of steps.
 */
public final class Dqn implements Agent, AutoCloseable {

    /** Hyper-parameters; public fields with CleanRL's CartPole defaults. */
    public static final class Config {
        public int[] hidden = {120, 84};
        public double gamma = 0.99;
        public float learningRate = 2.5e-4f;
        public int bufferSize = 10_000;
        public int batchSize = 128;
        /** Steps of pure experience collection before the first update. */
        public long learningStarts = 10_000;
        /** A training round every this many environment steps. */
        public int trainEvery = 10;
        /** Gradient updates per training round (Stable-Baselines3's {@code gradient_steps}). */
        public int gradientSteps = 1;
        /** Copy the online network into the target network every this many environment steps. */
        public int targetEvery = 500;
        public LinearSchedule epsilon = new LinearSchedule(1.0, 0.05, 250_000);
        /** Clip the global gradient norm to this value; 0 or less: no clipping. */
        public double maxGradNorm = 10;
        public float huberDelta = 1f;
        public long seed = 1;

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "hidden %s, gamma %.3f, lr %.1e, buffer %d, batch %d, learning starts %d, "
                    + "%d update(s) every %d steps, target every %d, epsilon %.2f->%.2f over %d, grad norm %.1f, seed %d",
                    java.util.Arrays.toString(hidden), gamma, learningRate, bufferSize, batchSize, learningStarts,
                    gradientSteps, trainEvery, targetEvery, epsilon.start(), epsilon.end(), epsilon.steps(), maxGradNorm, seed);
        }
    }

    private final Config c;
    private final int obsSize;
    private final int actions;
    private final Model online;
    private final Model target;
    private final Trainer trainer;
    private final OptimizerStep step;
    private final ParameterStore targetStore;
    private final HuberLoss loss;
    private final ReplayBuffer buffer;
    private final SplittableRandom random;
    private long steps;
    private long updates;
    private long targetSyncs;
    private double lastLoss = Double.NaN;
    private double lastGradNorm = Double.NaN;

    /**
     * @param obsSize length of the observation
     * @param actions number of discrete actions
     * @param config  hyper-parameters (read once)
     */
    public Dqn(int obsSize, int actions, Config config) {
        if (obsSize < 1 || actions < 1) {
            throw new IllegalArgumentException("obsSize and actions must be at least 1, got " + obsSize + " and " + actions);
        }
        if (config.batchSize < 1 || config.trainEvery < 1 || config.gradientSteps < 1 || config.targetEvery < 1 || config.learningStarts < 0) {
            throw new IllegalArgumentException("batchSize, trainEvery and targetEvery must be >= 1 and learningStarts >= 0: " + config);
        }
        this.c = config;
        this.obsSize = obsSize;
        this.actions = actions;
        this.random = new SplittableRandom(config.seed);
        this.buffer = new ReplayBuffer(config.bufferSize, obsSize);
        this.loss = new HuberLoss(config.huberDelta);
        Engine.getInstance().setRandomSeed((int) config.seed);
        online = Model.newInstance("dqn");
        online.setBlock(Mlp.build(config.hidden, actions));
        Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(config.learningRate)).build();
        trainer = online.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam));
        trainer.initialize(new Shape(1, obsSize));
        step = OptimizerStep.fastest(trainer, adam); // Trainer.step()'s updates without its gradient copies
        target = Model.newInstance("dqn-target");
        target.setBlock(Mlp.build(config.hidden, actions));
        target.getBlock().initialize(target.getNDManager(), DataType.FLOAT32, new Shape(1, obsSize));
        targetStore = new ParameterStore(target.getNDManager(), false);
        syncTarget();
        targetSyncs = 0;
    }

    @Override
    public int act(double[] observation, boolean explore) {
        if (explore && random.nextDouble() < epsilon()) {
            return random.nextInt(actions);
        }
        return argmax(qValues(observation));
    }

    /** @return the exploration rate at the current step */
    public double epsilon() {
        return c.epsilon.value(steps);
    }

    /** @return {@code Q(s, .)} of the online network */
    public float[] qValues(double[] observation) {
        if (observation.length != obsSize) {
            throw new IllegalArgumentException("observation has " + observation.length + " values, expected " + obsSize);
        }
        float[] x = new float[obsSize];
        for (int i = 0; i < obsSize; i++) {
            x[i] = (float) observation[i];
        }
        try (NDManager sub = trainer.getManager().newSubManager()) {
            NDArray in = sub.create(x, new Shape(1, obsSize));
            return trainer.evaluate(new NDList(in)).singletonOrThrow().toFloatArray();
        }
    }

    /** @return {@code Q(s, .)} of the target network */
    public float[] targetQValues(double[] observation) {
        float[] x = new float[obsSize];
        for (int i = 0; i < obsSize; i++) {
            x[i] = (float) observation[i];
        }
        try (NDManager sub = trainer.getManager().newSubManager()) {
            NDArray in = sub.create(x, new Shape(1, obsSize));
            return target.getBlock().forward(targetStore, new NDList(in), false).singletonOrThrow().toFloatArray();
        }
    }

    @Override
    public void observe(double[] s, int action, Env.Step step) {
        buffer.add(s, action, step.reward(), step.observation(), step.terminated());
        steps++;
        if (steps > c.learningStarts) {
            if (steps % c.trainEvery == 0) {
                for (int k = 0; k < c.gradientSteps; k++) {
                    update();
                }
            }
            if (steps % c.targetEvery == 0) {
                syncTarget();
            }
        }
    }

    /**
     * One gradient step on a mini-batch sampled from the replay buffer.
     *
     * @return the loss before the step
     */
    // excerpt-begin: update
    public double update() {
        ReplayBuffer.Batch b = buffer.sample(c.batchSize, random);
        int n = b.size();
        float[] oneHot = new float[n * actions];  // the taken actions, one-hot: picks Q(s_j, a_j) out of Q(s_j, .)
        for (int k = 0; k < n; k++) {
            oneHot[k * actions + b.actions[k]] = 1f;
        }
        try (NDManager sub = trainer.getManager().newSubManager()) {
            NDArray s = sub.create(b.obs, new Shape(n, obsSize));
            NDArray s2 = sub.create(b.nextObs, new Shape(n, obsSize));
            NDArray mask = sub.create(oneHot, new Shape(n, actions));
            // the target: no gradient flows through it (computed outside the gradient collector)
            NDArray q2 = target.getBlock().forward(targetStore, new NDList(s2), false).singletonOrThrow();
            NDArray y = tdTarget(sub.create(b.rewards), sub.create(b.terminated), q2, (float) c.gamma);
            NDArray l;
            try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray q = trainer.forward(new NDList(s)).singletonOrThrow();
                NDArray qa = q.mul(mask).sum(new int[] {1});
                l = loss.of(qa, y);
                gc.backward(l);
            }
            lastGradNorm = clipGradients(sub);
            step.apply();                                         // theta <- Adam(theta, dL/dtheta)
            lastLoss = l.getFloat();
        }
        updates++;
        return lastLoss;
    }
    // excerpt-end: update

    /**
     * The DQN target of a mini-batch, {@code y_j = r_j + gamma (1 - d_j) max_a' Q(s'_j, a'; theta-)}: a real
     * termination ({@code d_j = 1}) has no future to bootstrap from.
     *
     * @param rewards    {@code r_j}, shape {@code (n)}
     * @param terminated {@code d_j}, 1 for a real termination, 0 otherwise (also for a time-limit truncation), {@code (n)}
     * @param nextQ      the target network's {@code Q(s'_j, .)}, shape {@code (n, actions)}
     * @return {@code y}, shape {@code (n)}
     */
    // excerpt-begin: td-target
    public static NDArray tdTarget(NDArray rewards, NDArray terminated, NDArray nextQ, float gamma) {
        NDArray notDone = terminated.onesLike().sub(terminated);
        NDArray best = nextQ.max(new int[] {1});              // max over a' of Q(s', a'; theta-)
        return rewards.add(best.mul(notDone).mul(gamma));
    }
    // excerpt-end: td-target

    private double clipGradients(NDManager sub) {
        return c.maxGradNorm > 0 ? clipGradNorm(online.getBlock(), c.maxGradNorm, sub) : Double.NaN;
    }

    /**
     * Gradient clipping by global norm (as PyTorch's {@code clip_grad_norm_}): when the L2 norm of all of
     * the block's gradients together exceeds {@code maxNorm}, scales every gradient by
     * {@code maxNorm / norm}, in place. DJL's optimizers only clip element-wise ({@code optClipGrad}).
     *
     * @param sub manager that takes the temporary arrays (closed by the caller)
     * @return the norm before clipping
     */
    public static double clipGradNorm(Block block, double maxNorm, NDManager sub) {
        List<NDArray> grads = new java.util.ArrayList<>();
        NDArray sq = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray g = p.getValue().getArray().getGradient();
            g.attach(sub); // the handle (not the gradient storage) is freed with the caller's manager
            grads.add(g);
            NDArray s = g.square().sum();
            sq = sq == null ? s : sq.add(s);
        }
        double norm = Math.sqrt(sq.getFloat());
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }

    /** @return a copy of the online network's parameters (for {@link #restore}) */
    public float[][] snapshot() {
        ai.djl.nn.ParameterList ps = online.getBlock().getParameters();
        float[][] w = new float[ps.size()][];
        for (int i = 0; i < w.length; i++) {
            w[i] = ps.valueAt(i).getArray().toFloatArray();
        }
        return w;
    }

    /** Sets the online and the target network to a {@link #snapshot}. */
    public void restore(float[][] weights) {
        ai.djl.nn.ParameterList ps = online.getBlock().getParameters();
        if (weights.length != ps.size()) {
            throw new IllegalArgumentException("snapshot has " + weights.length + " arrays, the network " + ps.size());
        }
        for (int i = 0; i < weights.length; i++) {
            ps.valueAt(i).getArray().set(weights[i]);
        }
        syncTarget();
    }

    /**
     * The result of {@link #trainKeepingBest}: the training log, the validation curve (greedy mean return
     * at each check) and the parameters of the best check.
     */
    public record Run(EpisodeLog log, double[] checkSteps, double[] checkReturns, long bestStep, double bestReturn,
                      float[][] bestWeights) {
    }

    /**
     * Trains with {@link RlLoop#train} and every {@code checkEvery} steps evaluates the greedy policy on
     * {@code valEpisodes} episodes of a separate environment (first reset seeded with {@code valSeed}, so
     * every check sees the same start states), remembering the parameters of the best check (the latest
     * among equals). DQN's returns often collapse after reaching the maximum; keeping the best validated
     * parameters is the usual remedy (Stable-Baselines3's {@code EvalCallback}). Use seeds for the final
     * test that differ from {@code valSeed}. The agent keeps its final parameters: call
     * {@code restore(run.bestWeights())} to use the best.
     */
    public Run trainKeepingBest(Env env, Env valEnv, long totalSteps, long seed, String title, long checkEvery,
                                int valEpisodes, long valSeed) {
        if (checkEvery < 1 || valEpisodes < 1) {
            throw new IllegalArgumentException("checkEvery and valEpisodes must be at least 1, got " + checkEvery + " and " + valEpisodes);
        }
        java.util.List<double[]> checks = new java.util.ArrayList<>();
        float[][][] best = {null};
        double[] bestReturn = {Double.NEGATIVE_INFINITY};
        long[] bestStep = {0};
        EpisodeLog log = RlLoop.train(env, this, totalSteps, seed, title, checkEvery, t -> {
            double v = RlLoop.mean(RlLoop.evaluate(valEnv, this, valEpisodes, valSeed));
            checks.add(new double[] {t, v});
            if (v >= bestReturn[0]) {
                bestReturn[0] = v;
                bestStep[0] = t;
                best[0] = snapshot();
            }
        });
        if (best[0] == null) {
            best[0] = snapshot();
            bestStep[0] = totalSteps;
        }
        return new Run(log, checks.stream().mapToDouble(c -> c[0]).toArray(), checks.stream().mapToDouble(c -> c[1]).toArray(),
                bestStep[0], bestReturn[0], best[0]);
    }

    /** Copies the online network's parameters into the target network. */
    public void syncTarget() {
        ai.djl.nn.ParameterList src = online.getBlock().getParameters();
        ai.djl.nn.ParameterList dst = target.getBlock().getParameters();
        for (int i = 0; i < src.size(); i++) {
            NDArray from = src.valueAt(i).getArray();
            NDArray to = dst.valueAt(i).getArray();
            to.set(from.toFloatArray());
        }
        targetSyncs++;
    }

    /**
     * Sets the number of threads PyTorch uses inside one operation, for the whole JVM. This network is
     * tiny: with 2 threads on a busy 2-core machine an update took 40 times longer (thread hand-offs)
     * than with 1.
     *
     * @return the previous value
     */
    public static int torchThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + n);
        }
        Engine.getInstance(); // loads the native library
        int old = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        ai.djl.pytorch.jni.JniUtils.setNumThreads(n);
        return old;
    }

    /** @return the online network's block */
    public Block network() {
        return online.getBlock();
    }

    /** @return the target network's block */
    public Block targetNetwork() {
        return target.getBlock();
    }

    /** @return environment steps observed */
    public long steps() {
        return steps;
    }

    /** @return gradient updates done */
    public long updates() {
        return updates;
    }

    /** @return times the target network was overwritten since construction */
    public long targetSyncs() {
        return targetSyncs;
    }

    /** @return the replay buffer */
    public ReplayBuffer buffer() {
        return buffer;
    }

    /** @return loss of the last update (NaN before the first) */
    public double lastLoss() {
        return lastLoss;
    }

    /** @return global gradient norm of the last update before clipping (NaN before the first) */
    public double lastGradNorm() {
        return lastGradNorm;
    }

    @Override
    public String status() {
        return String.format(Locale.ROOT, "epsilon %.3f, %d updates, loss %.4f", epsilon(), updates, lastLoss);
    }

    @Override
    public void close() {
        trainer.close();
        online.close();
        target.close();
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
