package org.nnzoo.models.ndp;

import java.util.ArrayList;
import java.util.List;

/**
 * A grown NDP network used as a CartPole policy, as in Najarro et al.'s {@code env_rollout}: every node holds one
 * number {@code x_i} (its activity, 0 at the start of an episode). For each action the observation is written
 * into the input nodes 0..3 and the activity propagates {@code T = diameter + extra} times through the weighted
 * edges,
 * <pre>
 * x_i &lt;- tanh(sum_j w_ji x_j),   then x_0..3 &lt;- observation again (the inputs are held, "persistent observation")
 * </pre>
 * and the action is the output node (the last two nodes) with the larger activity. The activity carries over from
 * one action to the next within an episode, so the network is recurrent.
 *
 * <p>Not thread-safe (it holds the activity); each thread grows or copies its own.
 */
public final class GrownPolicy implements Episodes.Controller {

    private final int n;
    private final int inputs;
    private final int outputs;
    private final int steps;
    /** Incoming edges of node i: sources src[start[i]..start[i+1]) with weights w. */
    private final int[] start;
    private final int[] src;
    private final double[] w;
    private double[] x;
    private double[] next;

    GrownPolicy(DevGraph g, int inputs, int outputs, int steps) {
        n = g.size();
        if (n < inputs + outputs) {
            throw new IllegalArgumentException("a policy needs " + (inputs + outputs) + " nodes, the graph has " + n);
        }
        this.inputs = inputs;
        this.outputs = outputs;
        this.steps = steps;
        start = new int[n + 1];
        List<int[]> in = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            start[i] = in.size();
            for (int j = 0; j < n; j++) {
                if (g.hasEdge(j, i)) {
                    in.add(new int[] {j, i});
                }
            }
        }
        start[n] = in.size();
        src = new int[in.size()];
        w = new double[in.size()];
        for (int k = 0; k < in.size(); k++) {
            src[k] = in.get(k)[0];
            w[k] = g.weight(in.get(k)[0], in.get(k)[1]);
        }
        x = new double[n];
        next = new double[n];
    }

    /** @return propagation steps per action, diameter + extra */
    public int stepsPerAction() {
        return steps;
    }

    /** @return number of nodes */
    public int nodes() {
        return n;
    }

    /** Zero activity: call at the start of every episode. */
    @Override
    public void startEpisode() {
        java.util.Arrays.fill(x, 0);
    }

    @Override
    public int act(double[] obs) {
        if (obs.length != inputs) {
            throw new IllegalArgumentException("the policy has " + inputs + " input nodes, the observation " + obs.length + " values");
        }
        System.arraycopy(obs, 0, x, 0, inputs);                    // the observation into the input nodes
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int k = start[i]; k < start[i + 1]; k++) {
                    s += w[k] * x[src[k]];                         // sum_j w_ji x_j
                }
                next[i] = Math.tanh(s);                            // x_i = tanh(...)
            }
            System.arraycopy(obs, 0, next, 0, inputs);             // inputs held at the observation
            double[] swap = x;
            x = next;
            next = swap;
        }
        int best = n - outputs;                                    // the output nodes are the last ones
        for (int o = n - outputs + 1; o < n; o++) {
            if (x[o] > x[best]) {
                best = o;                                          // argmax, the first on a tie
            }
        }
        return best - (n - outputs);
    }

    /** @return the current activity of every node (a copy) */
    public double[] activity() {
        return x.clone();
    }
}
