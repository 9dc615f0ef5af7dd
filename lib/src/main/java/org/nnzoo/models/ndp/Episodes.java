package org.nnzoo.models.ndp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.nnzoo.rl.Env;
import org.nnzoo.train.Interrupt;

/**
 * Episodes of an environment played by a controller that has a state (the activity of a grown network, the
 * plastic network of an LNDP), so it must be told when an episode starts. Seeding as in {@code RlLoop.evaluate}:
 * the first episode is reset with the seed, later ones continue that generator, so {@code run(env, c, 100, 12345)}
 * plays the same 100 start states as chapter 14's test.
 */
public final class Episodes {

    private Episodes() {
    }

    /** A policy with a state. */
    public interface Controller {
        /** Called before the first action of every episode. */
        void startEpisode();

        /** @return the action for this observation */
        int act(double[] observation);

        /**
         * Called after every environment step with its reward (learning controllers learn here).
         *
         * @param reward the step's reward
         * @param done   true when the episode ended with this step
         */
        default void observe(double reward, boolean done) {
        }
    }

    /**
     * Plays episodes.
     *
     * @param steps counts the environment steps (may be null)
     * @return the return of each episode
     */
    public static double[] run(Env env, Controller c, int episodes, long seed, LongAdder steps) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be at least 1, got " + episodes);
        }
        double[] returns = new double[episodes];
        long count = 0;
        for (int e = 0; e < episodes; e++) {
            int done = e;
            Interrupt.check(() -> "episode " + (done + 1) + " of " + episodes, "the controller is unchanged");
            double[] s = e == 0 ? env.reset(seed) : env.reset();
            c.startEpisode();
            double ret = 0;
            while (true) {
                Env.Step step = env.step(c.act(s));
                count++;
                ret += step.reward();
                c.observe(step.reward(), step.done());
                if (step.done()) {
                    break;
                }
                s = step.observation();
            }
            returns[e] = ret;
        }
        if (steps != null) {
            steps.add(count);
        }
        return returns;
    }

    /** Plays one episode and records every observation, the first included (for frame strips). */
    public static List<double[]> rollout(Env env, Controller c, long seed) {
        List<double[]> states = new ArrayList<>();
        double[] s = env.reset(seed);
        c.startEpisode();
        states.add(s);
        while (true) {
            Env.Step step = env.step(c.act(s));
            c.observe(step.reward(), step.done());
            states.add(step.observation());
            if (step.done()) {
                return states;
            }
            s = step.observation();
        }
    }
}
