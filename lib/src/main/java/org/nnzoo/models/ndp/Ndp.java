package org.nnzoo.models.ndp;

import java.util.ArrayList;
import java.util.List;

/**
 * The Neural Developmental Program (NDP): E. Najarro, S. Sudhakaran, S. Risi, "Towards Self-Assembling
 * Artificial Neural Networks through Neural Developmental Programs", ALIFE 2023 (arXiv:2307.08197); the
 * evolutionary, node-based, weighted variant of their code (github.com/enajx/NDP, {@code NDP.py} and
 * {@code train_backend.py}).
 *
 * <p>A network grows from one cell. Every node i carries a state vector {@code s_i} (length {@code d}); the
 * same three small networks, the program, run in every node. One developmental step:
 * <ol>
 *   <li><b>message passing</b>, {@code T = diameter + extra} times: {@code s_i <- f(sum_j w_ji s_j)}, with
 *       {@code f} the <em>transform</em> MLP (d -> d, tanh) and {@code w_ji} the weight of edge (j, i);</li>
 *   <li><b>replication</b>: node i replicates when the <em>growth</em> MLP says so, {@code g(s_i) > 0};</li>
 *   <li><b>wiring</b>: the new node k joins its parent i and the parent's neighbours {@code N(i)}, with state
 *       {@code s_k = mean of s_j over j in N(i) and i}; nodes born in the same step are not joined to each
 *       other (the neighbourhoods are taken before any birth);</li>
 *   <li><b>weights</b>: every edge (i, j), i &lt;= j (older node first), gets {@code w_ij = omega(s_i || s_j)},
 *       with {@code omega} the <em>weight</em> MLP (2d -> 1, tanh).</li>
 * </ol>
 * The genome is the first cell's state followed by the parameters of {@code g}, {@code f} and {@code omega};
 * evolution (CMA-ES) changes the genome, never the grown weights. The grown network is then used as a
 * recurrent policy ({@link GrownPolicy}): nodes 0..3 are CartPole's inputs, the last two nodes its outputs.
 *
 * <p>Defaults are the paper's CartPole configuration (experiments_paper/cartpole/weighted_network):
 * state size 5, one hidden layer of 5 in every MLP, 5 growth cycles, 5 message-passing steps beyond the
 * diameter both while growing and while acting. At most {@code 2^cycles} nodes: every node replicates at
 * most once per step.
 */
public final class Ndp {

    /** Sizes of the program and of the growth; public fields, the paper's defaults. */
    public static final class Config {
        /** d, the length of a node's state ({@code node_embedding_size}). */
        public int stateSize = 5;
        /** Hidden units of each of the three MLPs ({@code mlp_*_hidden_layers_dims: [5]}). */
        public int hidden = 5;
        /** Developmental steps ({@code number_of_growth_cycles}). */
        public int growthCycles = 5;
        /** Message-passing steps beyond the diameter while growing ({@code network_thinking_time_extra_growth}). */
        public int extraGrowthSteps = 5;
        /** Propagation steps beyond the diameter per action ({@code network_thinking_time_extra_rollout}). */
        public int extraPolicySteps = 5;
        /** Input nodes (CartPole's 4 observations). */
        public int inputs = 4;
        /** Output nodes (CartPole's 2 actions). */
        public int outputs = 2;
        /**
         * Weight of the first cell's self-loop until the first weight readout. Najarro et al. draw it uniformly in
         * [-1, 1] once per run from an unsaved seed; here it is fixed, so that a genome always grows the same network.
         * -1: their published CartPole solution (experiments_paper/cartpole/weighted_network, the centroid) grows its
         * 10-node network that balances for 500 steps only with a weight below about -0.75.
         */
        public double initialSelfLoop = -1.0;

        @Override
        public String toString() {
            return String.format("NDP(d=%d, hidden=%d, %d growth steps, diameter+%d message passes, diameter+%d per action)",
                    stateSize, hidden, growthCycles, extraGrowthSteps, extraPolicySteps);
        }
    }

    private final Config cfg;
    private final int d;
    /** Offsets of the four parts of the genome. */
    private final int offGrowth;
    private final int offTransform;
    private final int offWeight;
    private final int size;

    public Ndp(Config cfg) {
        if (cfg.stateSize < 1 || cfg.hidden < 1 || cfg.growthCycles < 0 || cfg.growthCycles > 12
                || cfg.extraGrowthSteps < 0 || cfg.extraPolicySteps < 0 || cfg.inputs < 1 || cfg.outputs < 1) {
            throw new IllegalArgumentException("invalid NDP configuration " + cfg
                    + ": sizes must be positive, 0..12 growth cycles, extra steps not negative");
        }
        this.cfg = cfg;
        d = cfg.stateSize;
        offGrowth = d;                                                        // s_0: the first cell's state
        offTransform = offGrowth + TinyMlp.size(d, cfg.hidden, 1);            // g: d -> 1
        offWeight = offTransform + TinyMlp.size(d, cfg.hidden, d);             // f: d -> d
        size = offWeight + TinyMlp.size(2 * d, cfg.hidden, 1);                 // omega: 2d -> 1
    }

    public Ndp() {
        this(new Config());
    }

    /** @return the configuration */
    public Config config() {
        return cfg;
    }

    /** @return the genome's length: d + |g| + |f| + |omega| (162 with the defaults) */
    public int genomeSize() {
        return size;
    }

    /** @return the most nodes a network can grow to, {@code 2^cycles} */
    public int maxNodes() {
        return 1 << cfg.growthCycles;
    }

    /** @return the fewest nodes a usable policy has: inputs + outputs */
    public int minNodes() {
        return cfg.inputs + cfg.outputs;
    }

    /** The graph after every developmental step: {@code steps().get(0)} is the first cell. */
    public record Development(List<DevGraph> steps) {
        /** @return the grown network */
        public DevGraph last() {
            return steps.get(steps.size() - 1);
        }
    }

    /**
     * The program a genome encodes: the first cell's state and the three networks every node runs.
     *
     * @param firstCell s_0
     * @param growth    g: d -> 1, replicate when g(s) > 0
     * @param transform f: d -> d, the message-passing update
     * @param omega     omega: 2d -> 1, the weight of an edge from its two nodes' states
     */
    public record Program(double[] firstCell, TinyMlp growth, TinyMlp transform, TinyMlp omega) {
    }

    /** @return the program of a genome (its networks read the genome in place) */
    public Program program(double[] genome) {
        if (genome == null || genome.length != size) {
            throw new IllegalArgumentException("an NDP genome has " + size + " values, got "
                    + (genome == null ? "null" : genome.length));
        }
        return new Program(java.util.Arrays.copyOf(genome, d),
                new TinyMlp(genome, offGrowth, d, cfg.hidden, 1),
                new TinyMlp(genome, offTransform, d, cfg.hidden, d),
                new TinyMlp(genome, offWeight, 2 * d, cfg.hidden, 1));
    }

    /** @return the one-cell graph development starts from: s_0 and its self-loop */
    public DevGraph firstCell(Program p) {
        DevGraph g = new DevGraph(d, maxNodes());
        g.addNode(p.firstCell(), -1, 0);
        g.connect(0, 0, cfg.initialSelfLoop);    // the self-loop, until omega sets its weight
        return g;
    }

    /**
     * Grows a network from a genome. Deterministic: the same genome gives the same graph.
     *
     * @param genome {@link #genomeSize()} values
     * @return the graph after each step (the first cell first, the grown network last)
     */
    public Development develop(double[] genome) {
        Program p = program(genome);
        DevGraph g = firstCell(p);
        List<DevGraph> steps = new ArrayList<>();
        steps.add(g.copy());
        for (int step = 1; step <= cfg.growthCycles; step++) {
            messagePassing(g, p.transform(), g.diameter() + cfg.extraGrowthSteps);   // 1. T = diameter + 5 passes
            replicate(g, p.growth(), step);                                         // 2.-3. replicate and wire
            readWeights(g, p.omega());                                              // 4. w_ij = omega(s_i || s_j)
            steps.add(g.copy());
        }
        return new Development(steps);
    }

    /** @return the grown network (the last graph of {@link #develop}) */
    public DevGraph grow(double[] genome) {
        return develop(genome).last();
    }

    /** Step 1, T times: {@code s_i <- f(sum_j w_ji s_j)} for all nodes at once. */
    public static void messagePassing(DevGraph g, TinyMlp transform, int times) {
        int n = g.size();
        int d = g.dim();
        double[][] next = new double[n][d];
        double[] msg = new double[d];
        double[] tmp = new double[transform.hidden()];
        // excerpt-begin: message-passing
        for (int t = 0; t < times; t++) {
            for (int i = 0; i < n; i++) {
                java.util.Arrays.fill(msg, 0);
                for (int j = 0; j < n; j++) {
                    if (g.hasEdge(j, i)) {
                        double w = g.weight(j, i);
                        double[] sj = g.state(j);
                        for (int k = 0; k < d; k++) {
                            msg[k] += w * sj[k];                     // m_i = sum_j w_ji s_j  (W^T S)
                        }
                    }
                }
                transform.forward(msg, 0, next[i], 0, tmp);          // s_i = f(m_i)
            }
            g.setStates(next);
        }
        // excerpt-end: message-passing
    }

    /** Steps 2 and 3: every node with {@code g(s_i) > 0} gets a child wired to its closed neighbourhood. */
    public static void replicate(DevGraph g, TinyMlp growth, int step) {
        int n = g.size();
        int d = g.dim();
        double[] out = new double[1];
        double[] tmp = new double[growth.hidden()];
        // excerpt-begin: replicate
        boolean[] grows = new boolean[n];
        int[][] hood = new int[n][];
        for (int i = 0; i < n; i++) {
            growth.forward(g.state(i), 0, out, 0, tmp);
            grows[i] = out[0] > 0;                                   // replicate when g(s_i) > 0
            hood[i] = closedNeighbourhood(g, i);                     // N(i) and i, before any birth
        }
        for (int i = 0; i < n; i++) {
            if (!grows[i]) {
                continue;
            }
            double[] s = new double[d];
            for (int j : hood[i]) {
                for (int k = 0; k < d; k++) {
                    s[k] += g.state(j)[k] / hood[i].length;          // s_k = mean of the neighbourhood's states
                }
            }
            int child = g.addNode(s, i, step);
            for (int j : hood[i]) {
                g.connect(j, child, 1.0);                            // joined to the parent and its neighbours
            }
        }
        // excerpt-end: replicate
    }

    private static int[] closedNeighbourhood(DevGraph g, int i) {
        int[] nb = g.neighbours(i);
        for (int j : nb) {
            if (j == i) {
                return nb;                                           // the first cell's self-loop already has i
            }
        }
        int[] out = new int[nb.length + 1];
        int k = 0;
        boolean placed = false;
        for (int j : nb) {
            if (!placed && i < j) {
                out[k++] = i;
                placed = true;
            }
            out[k++] = j;
        }
        if (!placed) {
            out[k] = i;
        }
        return out;
    }

    /** Step 4: {@code w_ij = omega(s_i || s_j)} for every edge, i &lt;= j (nothing while there is one node). */
    public static void readWeights(DevGraph g, TinyMlp omega) {
        if (g.size() < 2) {
            return;                                                  // as Najarro et al.: weights once there are 2 nodes
        }
        int d = g.dim();
        double[] pair = new double[2 * d];
        double[] out = new double[1];
        double[] tmp = new double[omega.hidden()];
        for (int[] e : g.edges()) {
            System.arraycopy(g.state(e[0]), 0, pair, 0, d);
            System.arraycopy(g.state(e[1]), 0, pair, d, d);
            omega.forward(pair, 0, out, 0, tmp);
            g.setWeight(e[0], e[1], out[0]);
        }
    }

    /**
     * @return the grown network as a CartPole policy, or null when it has fewer than {@link #minNodes()}
     *         nodes (it cannot have separate inputs and outputs)
     */
    public GrownPolicy policy(DevGraph grown) {
        if (grown.size() < minNodes()) {
            return null;
        }
        return new GrownPolicy(grown, cfg.inputs, cfg.outputs, grown.diameter() + cfg.extraPolicySteps);
    }
}
