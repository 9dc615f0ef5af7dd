package org.nnzoo.models;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nnzoo.rl.Agent;
import org.nnzoo.rl.Env;
import org.nnzoo.rl.LinearSchedule;

/**
 * Tabular Q-learning: a table of action values {@code Q(s, a)} over a discretised state, learned from
 * single transitions with
 * <pre>
 * Q(s, a) &lt;- Q(s, a) + alpha (r + gamma max_a' Q(s', a') - Q(s, a))
 * </pre>
 * (the {@code max} term is dropped when {@code s'} is terminal), acting epsilon-greedily.
 *
 * <p>C. J. C. H. Watkins, "Learning from delayed rewards", PhD thesis, Cambridge 1989; C. J. C. H. Watkins,
 * P. Dayan, "Q-learning", Machine Learning 8, 1992 (convergence for a tabular, Markov problem when every
 * pair is visited infinitely often). Written in plain Java: the update above is the whole algorithm. A
 * continuous state (CartPole's four numbers) is put into a grid of {@link Bins}; the grid loses
 * information, so the problem is no longer exactly Markov, which is what limits this agent and motivates
 * the network of {@link Dqn}.
 */
public final class QLearning implements Agent {

    private final Bins bins;
    private final int actions;
    private final double[] q;
    private final LinearSchedule alpha;
    private final double gamma;
    private final LinearSchedule epsilon;
    private final SplittableRandom random;
    private long steps;

    /**
     * @param bins    the discretisation of the observation
     * @param actions number of actions
     * @param alpha   learning rate schedule (over environment steps)
     * @param gamma   discount factor in [0, 1]
     * @param epsilon exploration schedule (over environment steps)
     * @param seed    seed of the exploration
     */
    public QLearning(Bins bins, int actions, LinearSchedule alpha, double gamma, LinearSchedule epsilon, long seed) {
        if (actions < 1) {
            throw new IllegalArgumentException("actions must be at least 1, got " + actions);
        }
        if (gamma < 0 || gamma > 1) {
            throw new IllegalArgumentException("gamma must be in [0, 1], got " + gamma);
        }
        this.bins = bins;
        this.actions = actions;
        this.q = new double[bins.states() * actions];
        this.alpha = alpha;
        this.gamma = gamma;
        this.epsilon = epsilon;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public int act(double[] observation, boolean explore) {
        if (explore && random.nextDouble() < epsilon.value(steps)) {
            return random.nextInt(actions);
        }
        return greedy(bins.index(observation));
    }

    /** @return the action with the largest value in discrete state {@code s} (the lowest index on ties) */
    public int greedy(int s) {
        int best = 0;
        for (int a = 1; a < actions; a++) {
            if (q[s * actions + a] > q[s * actions + best]) {
                best = a;
            }
        }
        return best;
    }

    @Override
    public void observe(double[] s, int action, Env.Step step) {
        update(bins.index(s), action, step.reward(), bins.index(step.observation()), step.terminated());
        steps++;
    }

    /**
     * One Q-learning update on discrete states.
     *
     * @return the TD error {@code r + gamma max Q(s', .) - Q(s, a)} before the update
     */
    // excerpt-begin: update
    public double update(int s, int a, double r, int sNext, boolean terminal) {
        double target = r + (terminal ? 0 : gamma * q[sNext * actions + greedy(sNext)]);
        double td = target - q[s * actions + a];
        q[s * actions + a] += alpha.value(steps) * td;
        return td;
    }
    // excerpt-end: update

    /** @return {@code Q(s, a)} */
    public double value(int s, int a) {
        return q[s * actions + a];
    }

    /** @return the discretisation */
    public Bins bins() {
        return bins;
    }

    /** @return number of state-action pairs that were ever updated */
    public int visitedPairs() {
        int n = 0;
        for (double v : q) {
            if (v != 0) {
                n++;
            }
        }
        return n;
    }

    @Override
    public String status() {
        return String.format(java.util.Locale.ROOT, "epsilon %.3f, alpha %.3f", epsilon.value(steps), alpha.value(steps));
    }

    /**
     * A grid over the observation: dimension {@code i} is cut into {@code counts[i]} equal bins between
     * {@code low[i]} and {@code high[i]}; values outside fall into the first or last bin.
     */
    public static final class Bins {
        private final double[] low;
        private final double[] high;
        private final int[] counts;
        private final int states;

        public Bins(double[] low, double[] high, int[] counts) {
            if (low.length != high.length || low.length != counts.length) {
                throw new IllegalArgumentException("low, high and counts must have the same length, got "
                        + low.length + ", " + high.length + ", " + counts.length);
            }
            long n = 1;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] < 1) {
                    throw new IllegalArgumentException("counts[" + i + "] must be at least 1, got " + counts[i]);
                }
                if (!(high[i] > low[i])) {
                    throw new IllegalArgumentException("high[" + i + "] must exceed low[" + i + "], got "
                            + low[i] + " .. " + high[i]);
                }
                n *= counts[i];
            }
            if (n > 50_000_000) {
                throw new IllegalArgumentException("the grid has " + n + " cells: use fewer bins");
            }
            this.low = low.clone();
            this.high = high.clone();
            this.counts = counts.clone();
            this.states = (int) n;
        }

        /** @return number of cells */
        public int states() {
            return states;
        }

        /** @return the cell of an observation (row-major over the dimensions) */
        public int index(double[] obs) {
            if (obs.length != counts.length) {
                throw new IllegalArgumentException("observation has " + obs.length + " values, the grid " + counts.length);
            }
            int idx = 0;
            for (int i = 0; i < counts.length; i++) {
                int b = (int) Math.floor((obs[i] - low[i]) / (high[i] - low[i]) * counts[i]);
                b = Math.max(0, Math.min(counts[i] - 1, b));
                idx = idx * counts[i] + b;
            }
            return idx;
        }

        @Override
        public String toString() {
            return "Bins" + Arrays.toString(counts) + " over " + Arrays.toString(low) + " .. " + Arrays.toString(high);
        }
    }
}
