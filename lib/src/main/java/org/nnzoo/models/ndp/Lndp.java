package org.nnzoo.models.ndp;

import java.util.SplittableRandom;

/**
 * The Lifelong Neural Developmental Program (LNDP): E. Plantec, J. W. Pedersen, M. L. Montero, E. Nisioti,
 * S. Risi, "Evolving Self-Assembling Neural Networks: From Spontaneous Activity to Experience-Dependent
 * Learning", 2024 (arXiv:2406.09787; code github.com/erwanplantec/LNDP, {@code lndp.py}). Where the NDP builds a
 * network once and stops, the LNDP's program keeps running while the network acts: at every environment step
 * it changes node states, synaptic weights (synaptic plasticity) and which synapses exist (structural
 * plasticity: synaptogenesis and pruning), from local activity and the reward. Before its first episode the
 * network can go through a phase of <em>spontaneous activity</em>: its sensory (input) nodes are driven by an
 * evolved random process instead of the environment, and the same rules shape the network.
 *
 * <p>The network ({@link Network}): a fixed pool of {@code N = 4 + H + 2} nodes (inputs, hidden, outputs);
 * directed edges allowed input -> hidden, hidden -> hidden, hidden -> output (the paper's "reservoir" mask).
 * It starts as a sparse random graph (each allowed edge present with probability 0.1, weights and node states
 * uniform in [-1, 1], drawn from the lifetime's seed). Per action, activity runs {@code K = 3} steps from 0:
 * <pre>
 * a_j &lt;- tanh(sum_i A_ij w_ij a_i),  inputs held at the observation;   action = argmax of the output nodes
 * </pre>
 * Per environment step, before acting (the paper's {@code update_state}), with {@code a_i = (a_i^1..a_i^K)} the
 * node's activity in the last forward pass, {@code r} the last reward and {@code sigma} the logistic function:
 * <pre>
 * node    x_i = [h_i, m_i, a_i, deg_in/10, deg_out/10, is_input, is_output, r],  m_i = mean of h_j over i's neighbours
 *         z = sigma(U_z x_i + b_z),  h~ = tanh(U_h x_i + b_h),  h_i &lt;- (1 - z) h_i + z h~        (gated update)
 * synapse y_ij = [h_i, h_j, a_i, a_j, r, w_ij]          (for every existing edge i -> j, with the new h)
 *         z = sigma(v_z . y_ij + c_z),  w~ = tanh(v_w . y_ij + c_w),  w_ij &lt;- (1 - z) w_ij + z w~
 * grow    a missing allowed edge appears (weight 0) when sigma(q . [h_i, h_j] + q_0) > 0.6
 * prune   an edge disappears when sigma(p . [w_ij, |w_ij|, h_i, h_j] + p_0) > 0.6
 * </pre>
 * Spontaneous activity: the inputs follow an Ornstein-Uhlenbeck process
 * {@code u &lt;- u + theta (mu - u) + s xi}, {@code xi ~ N(0, I)}, with evolved {@code mu, theta, s} (one per
 * input), for {@code devSteps} steps with reward 0, then the activity is cleared.
 *
 * <p>Sized for a CPU (the paper's network has 32 nodes, node states of 8 and edge states of 4, a graph
 * transformer and GRUs: about 2,000 evolved parameters, evolved with populations of 256 for thousands of
 * generations). Here: 10 hidden nodes, node states of 4, the edge state is the weight itself, mean
 * aggregation over neighbours instead of the graph transformer's attention, gated updates without the GRU's
 * reset gate, linear synaptogenesis and pruning rules instead of MLPs with 16 hidden units, a diagonal
 * noise covariance: 202 parameters with the defaults. The thresholds 0.6, K = 3, the connection probability
 * 0.1 and the node features are the paper's.
 */
public final class Lndp {

    /** Sizes; public fields. */
    public static final class Config {
        public int inputs = 4;
        public int hidden = 10;
        public int outputs = 2;
        /** d, the length of a node's state (paper: 8). */
        public int stateSize = 4;
        /** K, activity steps per action ({@code rnn_iters}). */
        public int propagationSteps = 3;
        /** Probability of each allowed edge in the initial random graph ({@code p_ih = p_hh = p_ho}). */
        public double initialDensity = 0.1;
        /** Steps of spontaneous activity before the first episode ({@code dev_steps}); 0 for none. */
        public int devSteps = 100;
        /** Synaptogenesis and pruning thresholds on the rules' probabilities. */
        public double addThreshold = 0.6;
        public double pruneThreshold = 0.6;

        @Override
        public String toString() {
            return String.format("LNDP(%d+%d+%d nodes, d=%d, K=%d, initial density %s, %d spontaneous-activity steps)",
                    inputs, hidden, outputs, stateSize, propagationSteps, initialDensity, devSteps);
        }
    }

    private final Config cfg;
    private final int n;
    private final int d;
    private final int k;
    /** Lengths of the node rule's and the synapse rule's inputs. */
    private final int nodeIn;
    private final int edgeIn;
    private final int offNodeZ;
    private final int offNodeH;
    private final int offEdge;
    private final int offAdd;
    private final int offPrune;
    private final int offNoise;
    private final int size;

    public Lndp(Config cfg) {
        if (cfg.inputs < 1 || cfg.hidden < 1 || cfg.outputs < 1 || cfg.stateSize < 1 || cfg.propagationSteps < 1
                || cfg.initialDensity < 0 || cfg.initialDensity > 1 || cfg.devSteps < 0) {
            throw new IllegalArgumentException("invalid LNDP configuration " + cfg
                    + ": sizes positive, density in [0, 1], devSteps not negative");
        }
        this.cfg = cfg;
        n = cfg.inputs + cfg.hidden + cfg.outputs;
        d = cfg.stateSize;
        k = cfg.propagationSteps;
        nodeIn = 2 * d + k + 5;
        edgeIn = 2 * d + 2 * k + 2;
        offNodeZ = 0;                                   // U_z, b_z
        offNodeH = offNodeZ + d * (nodeIn + 1);         // U_h, b_h
        offEdge = offNodeH + d * (nodeIn + 1);          // v_z, c_z, v_w, c_w
        offAdd = offEdge + 2 * (edgeIn + 1);            // q, q_0
        offPrune = offAdd + 2 * d + 1;                  // p, p_0
        offNoise = offPrune + 2 * d + 3;                // mu, theta, s (one each per input)
        size = offNoise + 3 * cfg.inputs;
    }

    public Lndp() {
        this(new Config());
    }

    /** @return the configuration */
    public Config config() {
        return cfg;
    }

    /** @return the genome's length (202 with the defaults) */
    public int genomeSize() {
        return size;
    }

    /** @return N, the number of nodes */
    public int nodes() {
        return n;
    }

    /** @return true when the edge i -> j is allowed: input -> hidden, hidden -> hidden (i != j), hidden -> output */
    public boolean allowed(int i, int j) {
        boolean iIn = i < cfg.inputs;
        boolean iHid = !iIn && i < cfg.inputs + cfg.hidden;
        boolean jHid = j >= cfg.inputs && j < cfg.inputs + cfg.hidden;
        boolean jOut = j >= cfg.inputs + cfg.hidden;
        return (iIn && jHid) || (iHid && jHid && i != j) || (iHid && jOut);
    }

    /**
     * A newborn network: the random initial graph and states of this lifetime's seed, plastic, before its
     * spontaneous activity (call {@link Network#spontaneousActivity()}).
     */
    public Network newborn(double[] genome, long seed) {
        if (genome == null || genome.length != size) {
            throw new IllegalArgumentException("an LNDP genome has " + size + " values, got "
                    + (genome == null ? "null" : genome.length));
        }
        return new Network(genome, seed);
    }

    /** One living network: its graph, weights, node states and activity, and the program that changes them. */
    public final class Network implements Episodes.Controller {
        private final double[] p;
        private final SplittableRandom random;
        private final boolean[][] edge = new boolean[n][n];
        private final double[][] w = new double[n][n];
        private double[][] h = new double[n][d];
        private double[][] hNext = new double[n][d];
        /** Activity of the last forward pass: act[t][i] = a_i^(t+1). */
        private final double[][] act = new double[k][n];
        private final double[] a = new double[n];
        private final double[] aNext = new double[n];
        private final double[] x = new double[nodeIn];
        private final double[] m = new double[d];
        private final double[] y = new double[edgeIn];
        private final double[] pair = new double[2 * d];
        private final double[] pr = new double[2 * d + 2];
        private boolean plastic = true;
        private double reward;
        private boolean done;
        private long updates;

        private Network(double[] genome, long seed) {
            p = genome;
            random = new SplittableRandom(seed);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (allowed(i, j) && random.nextDouble() < cfg.initialDensity) {
                        edge[i][j] = true;                                   // sparse random graph
                        w[i][j] = 2 * random.nextDouble() - 1;               // w ~ U[-1, 1]
                    }
                }
                for (int c = 0; c < d; c++) {
                    h[i][c] = 2 * random.nextDouble() - 1;                   // h ~ U[-1, 1]
                }
            }
        }

        /** Turns lifetime plasticity on or off (off: weights, edges and node states stay as they are). */
        public Network plastic(boolean on) {
            plastic = on;
            return this;
        }

        /** @return true when the rules run during the lifetime */
        public boolean plastic() {
            return plastic;
        }

        /**
         * The spontaneous-activity phase: {@code devSteps} steps in which the inputs follow the evolved
         * Ornstein-Uhlenbeck process and the rules run with reward 0 (even when lifetime plasticity is off,
         * as in the paper, whose {@code block_lt_updates} only stops the lifetime updates). Clears the
         * activity afterwards.
         */
        public Network spontaneousActivity() {
            int in = cfg.inputs;
            double[] u = new double[in];
            for (int c = 0; c < in; c++) {
                u[c] = noiseScale(c) * random.nextGaussian();                 // u_0 = s xi
            }
            reward = 0;
            for (int t = 0; t < cfg.devSteps; t++) {
                for (int c = 0; c < in; c++) {
                    double mu = p[offNoise + c];
                    double theta = sigmoid(p[offNoise + in + c]);
                    u[c] += theta * (mu - u[c]) + noiseScale(c) * random.nextGaussian();   // u <- u + theta (mu - u) + s xi
                }
                update(0);
                forward(u);
            }
            for (double[] row : act) {
                java.util.Arrays.fill(row, 0);
            }
            return this;
        }

        private double noiseScale(int c) {
            return Math.abs(p[offNoise + 2 * cfg.inputs + c]);
        }

        @Override
        public void startEpisode() {
            reward = 0;                                   // the paper's last_reward starts at 0
            done = false;
        }

        @Override
        public int act(double[] obs) {
            if (obs.length != cfg.inputs) {
                throw new IllegalArgumentException("the network has " + cfg.inputs + " inputs, the observation " + obs.length + " values");
            }
            if (plastic && !done) {
                update(reward);                           // the program runs before each action
            }
            forward(obs);
            int first = n - cfg.outputs;
            int best = first;
            for (int o = first + 1; o < n; o++) {
                if (act[k - 1][o] > act[k - 1][best]) {
                    best = o;                             // argmax of the output nodes
                }
            }
            return best - first;
        }

        @Override
        public void observe(double r, boolean episodeDone) {
            reward = r;
            done = episodeDone;
        }

        /** K activity steps from 0 with the inputs held at x; remembers every step's activity. */
        void forward(double[] x) {
            java.util.Arrays.fill(a, 0);
            for (int t = 0; t < k; t++) {
                System.arraycopy(x, 0, a, 0, cfg.inputs);
                for (int j = cfg.inputs; j < n; j++) {
                    double s = 0;
                    for (int i = 0; i < n; i++) {
                        if (edge[i][j]) {
                            s += w[i][j] * a[i];                  // sum_i A_ij w_ij a_i
                        }
                    }
                    aNext[j] = Math.tanh(s);
                }
                System.arraycopy(x, 0, aNext, 0, cfg.inputs);     // inputs held at the observation
                System.arraycopy(aNext, 0, a, 0, n);
                System.arraycopy(a, 0, act[t], 0, n);
            }
        }

        /** One step of the program: node states, then synapses, then synaptogenesis and pruning. */
        void update(double r) {
            updates++;
            int in = cfg.inputs;
            // excerpt-begin: lndp-update
            for (int i = 0; i < n; i++) {
                // excerpt-skip: x_i = [h_i, mean of the neighbours' h, a_i^1..K, deg_in/10, deg_out/10, is input, is output, r]
                int deg = 0;
                int degIn = 0;
                int degOut = 0;
                java.util.Arrays.fill(m, 0);
                for (int j = 0; j < n; j++) {
                    boolean inEdge = edge[j][i];
                    boolean outEdge = edge[i][j];
                    degIn += inEdge ? 1 : 0;
                    degOut += outEdge ? 1 : 0;
                    if (inEdge || outEdge) {
                        deg++;
                        for (int c = 0; c < d; c++) {
                            m[c] += h[j][c];
                        }
                    }
                }
                int q = 0;
                for (int c = 0; c < d; c++) {
                    x[q++] = h[i][c];
                }
                for (int c = 0; c < d; c++) {
                    x[q++] = deg == 0 ? 0 : m[c] / deg;               // m_i = mean of the neighbours' states
                }
                for (int t = 0; t < k; t++) {
                    x[q++] = act[t][i];                               // the node's activity a_i^1..K
                }
                x[q++] = degIn / 10.0;
                x[q++] = degOut / 10.0;
                x[q++] = i < in ? 1 : 0;
                x[q++] = i >= n - cfg.outputs ? 1 : 0;
                x[q] = r;
                // excerpt-resume
                for (int c = 0; c < d; c++) {                                             // h <- (1 - z) h + z h~
                    hNext[i][c] = gatedUpdate(h[i][c], p, offNodeZ + c * (nodeIn + 1), offNodeH + c * (nodeIn + 1), x, nodeIn);
                }
            }
            double[][] swap = h;
            h = hNext;
            hNext = swap;

            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (!allowed(i, j)) {
                        continue;
                    }
                    if (edge[i][j]) {
                        // excerpt-skip: y_ij = [h_i, h_j, a_i^1..K, a_j^1..K, r, w_ij]
                        int q = 0;
                        for (int c = 0; c < d; c++) {
                            y[q++] = h[i][c];
                        }
                        for (int c = 0; c < d; c++) {
                            y[q++] = h[j][c];
                        }
                        for (int t = 0; t < k; t++) {
                            y[q++] = act[t][i];
                        }
                        for (int t = 0; t < k; t++) {
                            y[q++] = act[t][j];
                        }
                        y[q++] = r;
                        y[q] = w[i][j];
                        // excerpt-resume
                        w[i][j] = gatedUpdate(w[i][j], p, offEdge, offEdge + edgeIn + 1, y, edgeIn); // w <- (1 - z) w + z w~
                        pr[0] = w[i][j];
                        pr[1] = Math.abs(w[i][j]);
                        System.arraycopy(h[i], 0, pr, 2, d);
                        System.arraycopy(h[j], 0, pr, 2 + d, d);
                        if (sigmoid(dot(offPrune, pr, 2 * d + 2)) > cfg.pruneThreshold) {
                            edge[i][j] = false;                                         // pruning
                            w[i][j] = 0;
                        }
                    } else {
                        System.arraycopy(h[i], 0, pair, 0, d);
                        System.arraycopy(h[j], 0, pair, d, d);
                        if (sigmoid(dot(offAdd, pair, 2 * d)) > cfg.addThreshold) {
                            edge[i][j] = true;                                          // synaptogenesis
                            w[i][j] = 0;
                        }
                    }
                }
            }
            // excerpt-end: lndp-update
        }

        /** @return {@link Lndp#dot} with this network's genome */
        private double dot(int off, double[] v, int len) {
            return Lndp.dot(p, off, v, len);
        }

        /** @return the weight of i -> j (0 when there is no edge) */
        public double weight(int i, int j) {
            return w[i][j];
        }

        /** @return true when the edge i -> j exists */
        public boolean hasEdge(int i, int j) {
            return edge[i][j];
        }

        /** @return number of edges */
        public int edgeCount() {
            int c = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    c += edge[i][j] ? 1 : 0;
                }
            }
            return c;
        }

        /** @return a copy of the weight matrix (0 where there is no edge) */
        public double[][] weights() {
            double[][] out = new double[n][];
            for (int i = 0; i < n; i++) {
                out[i] = w[i].clone();
            }
            return out;
        }

        /** @return a copy of node i's state */
        public double[] state(int i) {
            return h[i].clone();
        }

        /** @return how many times the program has run (spontaneous activity included) */
        public long updates() {
            return updates;
        }

        /** @return the LNDP this network belongs to */
        public Lndp program() {
            return Lndp.this;
        }
    }

    static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** @return {@code p[off..off+len) . v + p[off+len]} (weights, then the bias) */
    static double dot(double[] p, int off, double[] v, int len) {
        double s = p[off + len];
        for (int c = 0; c < len; c++) {
            s += p[off + c] * v[c];
        }
        return s;
    }

    /**
     * The gated update of the LNDP's node and synapse rules: a gate {@code z = sigma(u_z . v + b_z)} decides how
     * much of the old value to replace by a candidate {@code c = tanh(u_c . v + b_c)}.
     *
     * @param old      the old value (a node state's component, or a weight)
     * @param p        the genome
     * @param offGate  where the gate's weights {@code u_z} start in {@code p} (its bias {@code b_z} follows them)
     * @param offValue where the candidate's weights {@code u_c} start (its bias {@code b_c} follows them)
     * @param v        the rule's input (the node's or the synapse's features)
     * @param len      the number of features
     * @return {@code (1 - z) old + z c}
     */
    // excerpt-begin: gated-update
    public static double gatedUpdate(double old, double[] p, int offGate, int offValue, double[] v, int len) {
        double z = sigmoid(dot(p, offGate, v, len));              // z = sigma(u_z . v + b_z)
        double candidate = Math.tanh(dot(p, offValue, v, len));   // c = tanh(u_c . v + b_c)
        return (1 - z) * old + z * candidate;                     // (1 - z) old + z c
    }
    // excerpt-end: gated-update
}
