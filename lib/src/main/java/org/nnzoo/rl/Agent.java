package org.nnzoo.rl;

/**
 * A learning agent for {@link RlLoop}: it picks actions and learns from each transition it is shown.
 */
public interface Agent {

    /**
     * @param observation the current observation
     * @param explore     true while training (e.g. epsilon-greedy), false for the greedy policy
     * @return an action in 0 .. actionCount-1
     */
    int act(double[] observation, boolean explore);

    /**
     * Learns from one transition (and advances the agent's own step counter, schedules and updates).
     *
     * @param s          observation before the step
     * @param action     the action taken
     * @param step       what the environment returned
     */
    void observe(double[] s, int action, Env.Step step);

    /** @return a short status for the progress line (e.g. current epsilon), or an empty string */
    default String status() {
        return "";
    }
}
