package org.nnzoo.rl;

/**
 * An episodic environment with a discrete action set and a real-valued observation vector: the small
 * contract the agent/environment loop ({@link RlLoop}) needs.
 *
 * <p>Why not DJL's {@code ai.djl.modality.rl.env.RlEnv}: that interface hands observations out as
 * {@code NDList}s (one native allocation per step, owned by a manager the environment must keep alive
 * for as long as a replay buffer holds the step), has one {@code isDone()} flag where Gymnasium's API
 * separates <em>terminated</em> (a true end: no bootstrapping) from <em>truncated</em> (a time limit: the
 * value of the next state still counts), and {@code reset()} takes no seed. Plain {@code double[]}
 * observations keep the physics in Java (about ten million steps per second), make the seeding explicit,
 * and let the replay buffer store primitives. DJL's {@code QAgent} would not fit either: it feeds
 * (state, action) pairs into the network to score one pair per output, and has no target network.
 */
public interface Env {

    /** @return length of the observation vector */
    int observationSize();

    /** @return number of discrete actions, numbered 0 .. n-1 */
    int actionCount();

    /**
     * Starts a new episode with a fresh random generator seeded by {@code seed} (Gymnasium's
     * {@code reset(seed=...)}).
     *
     * @return the first observation
     */
    double[] reset(long seed);

    /** Starts a new episode, continuing the random generator of the last seeded reset. */
    double[] reset();

    /**
     * Applies an action.
     *
     * @throws IllegalArgumentException when the action is not in 0 .. actionCount()-1
     * @throws IllegalStateException    when the episode has ended and {@link #reset} was not called
     */
    Step step(int action);

    /**
     * The outcome of one step, as in Gymnasium: {@code (observation, reward, terminated, truncated)}.
     *
     * @param observation the observation after the step
     * @param reward      the reward for the step
     * @param terminated  the episode ended in a terminal state (its value is 0: do not bootstrap)
     * @param truncated   the episode was cut by a time limit. As in Gymnasium, both flags can be true (the
     *                    limit is reached on the step that terminates): the state is terminal all the same,
     *                    so a learner bootstraps from the next state exactly when {@code terminated} is false
     */
    record Step(double[] observation, double reward, boolean terminated, boolean truncated) {
        /** @return true when the episode is over either way */
        public boolean done() {
            return terminated || truncated;
        }
    }
}
