package org.nnzoo.rl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;
import java.util.function.ToIntFunction;
import org.nnzoo.train.Interrupt;

/**
 * The generic agent/environment loop (reinforcement learning is not supervised, so it does not use
 * {@code Fit}): observe, act, step, learn from the transition, reset at the end of an episode. Also
 * greedy evaluation over many episodes and the recording of one episode for pictures.
 *
 * <p>Seeding follows Gymnasium's convention: the first episode is reset with the seed, later ones continue
 * that random generator, so a run is reproducible from one number. The agent owns its own randomness
 * (exploration, replay sampling, initialisation). The loop itself makes no NDArrays; agents that do use
 * a scoped manager per action/update.
 */
public final class RlLoop {

    private RlLoop() {
    }

    /**
     * Trains {@code agent} for {@code totalSteps} environment steps (the last episode may be cut short,
     * and is then not counted).
     *
     * @param title heading of the live progress view
     * @param seed  seed of the first episode's reset
     * @return the returns and lengths of the finished episodes
     */
    public static EpisodeLog train(Env env, Agent agent, long totalSteps, long seed, String title) {
        return train(env, agent, totalSteps, seed, title, 0, null);
    }

    /**
     * Like {@link #train(Env, Agent, long, long, String)}, and calls {@code check} with the step number
     * after every {@code checkEvery} steps (e.g. to evaluate the greedy policy on a separate environment).
     */
    public static EpisodeLog train(Env env, Agent agent, long totalSteps, long seed, String title, long checkEvery,
                                   LongConsumer check) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("totalSteps must be at least 1, got " + totalSteps);
        }
        EpisodeLog log = new EpisodeLog();
        RlProgress view = new RlProgress(title, totalSteps, log);
        long start = System.nanoTime();
        double[] s = env.reset(seed);
        double ret = 0;
        int len = 0;
        for (long t = 1; t <= totalSteps; t++) {
            long now = t;
            Interrupt.check(() -> "step " + now + " of " + totalSteps, "the agent keeps what it learned in the steps before");
            int a = agent.act(s, true);
            Env.Step step = env.step(a);
            agent.observe(s, a, step);
            ret += step.reward();
            len++;
            if (step.done()) {
                log.add(ret, len, t, (System.nanoTime() - start) / 1e9);
                s = env.reset();
                ret = 0;
                len = 0;
            } else {
                s = step.observation();
            }
            if (check != null && checkEvery > 0 && t % checkEvery == 0) {
                check.accept(t);
            }
            view.step(t, agent);
        }
        log.finish(totalSteps, (System.nanoTime() - start) / 1e9);
        view.done(agent);
        return log;
    }

    /**
     * Runs {@code episodes} episodes with a fixed policy (e.g. an agent's greedy action).
     *
     * @param seed seed of the first episode's reset; later episodes continue its generator
     * @return the return of each episode
     */
    public static double[] evaluate(Env env, ToIntFunction<double[]> policy, int episodes, long seed) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be at least 1, got " + episodes);
        }
        double[] returns = new double[episodes];
        for (int e = 0; e < episodes; e++) {
            int done = e;
            Interrupt.check(() -> "evaluation episode " + (done + 1) + " of " + episodes, "the agent is unchanged");
            double[] s = e == 0 ? env.reset(seed) : env.reset();
            double ret = 0;
            while (true) {
                Env.Step step = env.step(policy.applyAsInt(s));
                ret += step.reward();
                if (step.done()) {
                    break;
                }
                s = step.observation();
            }
            returns[e] = ret;
        }
        return returns;
    }

    /** Greedy evaluation of an agent: {@code agent.act(s, false)}. */
    public static double[] evaluate(Env env, Agent agent, int episodes, long seed) {
        return evaluate(env, s -> agent.act(s, false), episodes, seed);
    }

    /**
     * Plays one episode with a fixed policy and records every observation, the first (after reset)
     * included: for frame strips and plots of the trajectory.
     */
    public static List<double[]> rollout(Env env, ToIntFunction<double[]> policy, long seed) {
        List<double[]> states = new ArrayList<>();
        double[] s = env.reset(seed);
        states.add(s);
        while (true) {
            Env.Step step = env.step(policy.applyAsInt(s));
            states.add(step.observation());
            if (step.done()) {
                return states;
            }
            s = step.observation();
        }
    }

    /** @return mean of the values */
    public static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** @return sample standard deviation (n - 1), 0 for fewer than two values */
    public static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return Math.sqrt(ss / (v.length - 1));
    }

    static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
