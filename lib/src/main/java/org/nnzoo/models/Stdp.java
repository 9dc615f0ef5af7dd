package org.nnzoo.models;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nnzoo.train.Interrupt;

/**
 * Spike-timing-dependent plasticity (STDP) and an unsupervised spiking layer that learns with it: the
 * biologically motivated alternative to the surrogate-gradient training of {@link Snn}, in plain Java
 * arrays (event-driven, one sample at a time), so every line of the rule is visible.
 *
 * <p>Pair-based STDP with exponential traces (Song, Miller &amp; Abbott 2000; Morrison, Diesmann &amp; Gerstner,
 * "Phenomenological models of synaptic plasticity based on spike timing", Biol. Cybern. 98, 2008): each
 * input keeps a trace {@code x_i} (+1 at its spike, decays with {@code tau+}), each neuron a trace
 * {@code y_j} (+1 at its spike, decays with {@code tau-}).
 * <pre>
 *   post spike of j:  w_ji += A+ * x_i      (pre shortly before post: potentiation)
 *   pre spike of i:   w_ji -= A- * y_j      (post shortly before pre: depression)
 * </pre>
 * so a single pair with {@code dt = t_post - t_pre} changes the weight by {@code A+ exp(-dt/tau+)} for
 * {@code dt >= 0} and by {@code -A- exp(dt/tau-)} for {@code dt < 0} ({@link #pairChange}).
 *
 * <p>The layer follows P. U. Diehl &amp; M. Cook, "Unsupervised learning of digit recognition using
 * spike-timing-dependent plasticity", Front. Comput. Neurosci. 9, 2015, simplified: rate-coded (Bernoulli)
 * input spikes, LIF neurons, winner-take-all lateral inhibition (at most one neuron fires per step and
 * then every membrane is reset), adaptive thresholds (a neuron that fires becomes harder to fire, so all
 * neurons get to learn; the increments are kept at mean zero after each sample instead of decaying), weights clipped to {@code [0, wMax]} and each neuron's weights normalised to a
 * fixed sum after each sample. The neurons' weights become prototypes ("receptive fields") of the inputs
 * they win.
 */
public final class Stdp {

    /** Parameters of the pair-based rule: amplitudes, time constants (in steps), weight bound. */
    public record Rule(double aPlus, double aMinus, double tauPlus, double tauMinus, double wMax) {
        public Rule {
            if (!(aPlus >= 0 && aMinus >= 0)) {
                throw new IllegalArgumentException("aPlus and aMinus must be >= 0, got " + aPlus + ", " + aMinus);
            }
            if (!(tauPlus > 0 && tauMinus > 0)) {
                throw new IllegalArgumentException("tauPlus and tauMinus must be positive (steps), got " + tauPlus + ", " + tauMinus);
            }
            if (!(wMax > 0)) {
                throw new IllegalArgumentException("wMax must be positive, got " + wMax);
            }
        }

        /** Amplitudes 0.01 / 0.0105 (slightly depression-dominated), time constants 5 / 5 steps, wMax 1. */
        public static Rule standard() {
            return new Rule(0.01, 0.0105, 5, 5, 1);
        }
    }

    /**
     * The weight change of one pre/post spike pair, closed form.
     *
     * @param dt {@code t_post - t_pre} in steps; a pre spike in the same step as the post spike counts as
     *           causal ({@code dt = 0}: potentiation by {@code A+}), since it contributed to the post spike
     */
    public static double pairChange(Rule r, int dt) {
        if (dt >= 0) {
            return r.aPlus() * Math.exp(-dt / r.tauPlus());
        }
        return -r.aMinus() * Math.exp(dt / r.tauMinus());
    }

    /**
     * Applies the trace rule to given spike trains of one synapse layer (no neuron dynamics), unbounded:
     * the reference the layer's online rule follows.
     *
     * @param pre  {@code pre[t][i]}: input {@code i} spikes at step {@code t}
     * @param post {@code post[t][j]}: neuron {@code j} spikes at step {@code t}
     * @return the total change {@code dw[j][i]}
     */
    public static double[][] traceRule(Rule r, boolean[][] pre, boolean[][] post) {
        if (pre.length != post.length) {
            throw new IllegalArgumentException("pre has " + pre.length + " steps but post has " + post.length);
        }
        int n = pre.length == 0 ? 0 : pre[0].length;
        int m = post.length == 0 ? 0 : post[0].length;
        // excerpt-begin: stdp-traces
        double[][] dw = new double[m][n];
        double[] x = new double[n];
        double[] y = new double[m];
        double dx = Math.exp(-1 / r.tauPlus());
        double dy = Math.exp(-1 / r.tauMinus());
        for (int t = 0; t < pre.length; t++) {
            for (int i = 0; i < n; i++) {
                x[i] *= dx;
            }
            for (int j = 0; j < m; j++) {
                y[j] *= dy;
            }
            for (int i = 0; i < n; i++) {
                if (pre[t][i]) {
                    for (int j = 0; j < m; j++) {
                        dw[j][i] -= r.aMinus() * y[j];
                    }
                    x[i] += 1;
                }
            }
            for (int j = 0; j < m; j++) {
                if (post[t][j]) {
                    for (int i = 0; i < n; i++) {
                        dw[j][i] += r.aPlus() * x[i];
                    }
                    y[j] += 1;
                }
            }
        }
        return dw;
        // excerpt-end: stdp-traces
    }

    private final int inputs;
    private final int neurons;
    private final Rule rule;
    private final double[][] w;
    private final double[] theta;
    private final SplittableRandom random;
    private double beta = 0.9;
    private double baseThreshold = 8;
    private double thetaPlus = 0.4;
    private double maxRate = 0.25;
    private double weightSum;

    /**
     * @param inputs  number of inputs (784 for MNIST)
     * @param neurons number of excitatory neurons
     * @param seed    seed of the initial weights and of the input spikes
     */
    public Stdp(int inputs, int neurons, Rule rule, long seed) {
        if (inputs < 1 || neurons < 1) {
            throw new IllegalArgumentException("inputs and neurons must be positive, got " + inputs + ", " + neurons);
        }
        if (rule == null) {
            throw new IllegalArgumentException("rule must not be null: use Stdp.Rule.standard()");
        }
        this.inputs = inputs;
        this.neurons = neurons;
        this.rule = rule;
        this.random = new SplittableRandom(seed);
        this.w = new double[neurons][inputs];
        for (double[] row : w) {
            for (int i = 0; i < inputs; i++) {
                row[i] = random.nextDouble() * 0.3 * rule.wMax();
            }
        }
        this.weightSum = 0.1 * inputs * rule.wMax();
        this.theta = new double[neurons];
        for (double[] row : w) {
            normalise(row);
        }
    }

    /**
     * Sets the neuron dynamics.
     *
     * @param beta          membrane decay per step, in [0, 1)
     * @param threshold     base firing threshold
     * @param thetaPlus     threshold increase of a neuron each time it fires (homeostasis)
     * @param maxRate       spike probability per step of an input at intensity 1, in (0, 1]
     * @return this layer
     */
    public Stdp dynamics(double beta, double threshold, double thetaPlus, double maxRate) {
        if (!(beta >= 0 && beta < 1) || !(threshold > 0) || !(thetaPlus >= 0) || !(maxRate > 0 && maxRate <= 1)) {
            throw new IllegalArgumentException("need beta in [0, 1), threshold > 0, thetaPlus >= 0, maxRate in (0, 1]; got "
                    + beta + ", " + threshold + ", " + thetaPlus + ", " + maxRate);
        }
        this.beta = beta;
        this.baseThreshold = threshold;
        this.thetaPlus = thetaPlus;
        this.maxRate = maxRate;
        return this;
    }

    /** @return the number of neurons */
    public int neurons() {
        return neurons;
    }

    /** @return a copy of neuron {@code j}'s weights (its receptive field) */
    public double[] weights(int j) {
        return w[j].clone();
    }

    /** @return a copy of the adaptive threshold increments */
    public double[] thresholds() {
        return theta.clone();
    }

    /**
     * Presents one input for {@code steps} steps (from rest), learning with STDP if asked.
     *
     * @param x     intensities in [0, 1], {@code inputs} values; input {@code i} spikes with probability
     *              {@code 0.25 x_i} per step
     * @param learn apply STDP, threshold adaptation and weight normalisation
     * @return spike count of each neuron
     */
    public int[] present(float[] x, int steps, boolean learn) {
        // a notebook presents thousands of images in its own loop: Interrupt stops it between two images
        Interrupt.check(() -> "an image presentation (before it starts)", "the layer keeps the weights learned from the images before");
        if (x.length != inputs) {
            throw new IllegalArgumentException("input has " + x.length + " values, the layer expects " + inputs);
        }
        double[] v = new double[neurons];
        double[] xTrace = new double[inputs];
        double[] yTrace = new double[neurons];
        int[] counts = new int[neurons];
        int[] active = new int[inputs];
        double dx = Math.exp(-1 / rule.tauPlus());
        double dy = Math.exp(-1 / rule.tauMinus());
        for (int t = 0; t < steps; t++) {
            int k = 0;
            for (int i = 0; i < inputs; i++) {
                xTrace[i] *= dx;
                if (x[i] > 0 && random.nextDouble() < maxRate * x[i]) {
                    active[k++] = i;
                }
            }
            for (int j = 0; j < neurons; j++) {
                yTrace[j] *= dy;
                double in = 0;
                double[] wj = w[j];
                for (int a = 0; a < k; a++) {
                    in += wj[active[a]];
                }
                v[j] = beta * v[j] + in;
            }
            if (learn) { // pre spikes: depression by the post traces, then the pre traces jump
                for (int a = 0; a < k; a++) {
                    int i = active[a];
                    for (int j = 0; j < neurons; j++) {
                        if (yTrace[j] > 0) {
                            w[j][i] = Math.max(0, w[j][i] - rule.aMinus() * yTrace[j]);
                        }
                    }
                }
            }
            for (int a = 0; a < k; a++) {
                xTrace[active[a]] += 1;
            }
            // excerpt-begin: stdp-winner
            // winner-take-all: the neuron furthest above its threshold fires, lateral inhibition resets all
            int winner = -1;
            double best = 0;
            for (int j = 0; j < neurons; j++) {
                double over = v[j] - (baseThreshold + theta[j]);
                if (over > best) {
                    best = over;
                    winner = j;
                }
            }
            if (winner >= 0) {
                counts[winner]++;
                Arrays.fill(v, 0);
                if (learn) {
                    double[] ww = w[winner];
                    for (int i = 0; i < inputs; i++) {
                        ww[i] = Math.min(rule.wMax(), ww[i] + rule.aPlus() * xTrace[i]);
                    }
                    theta[winner] += thetaPlus;
                }
                yTrace[winner] += 1;
            }
            // excerpt-end: stdp-winner
        }
        if (learn) {
            for (double[] row : w) {
                normalise(row);
            }
            // homeostasis: only the differences between thresholds matter for who wins, so keep their mean at
            // zero; a neuron that wins often gets a higher threshold than the others, a silent one a lower one
            double mean = Arrays.stream(theta).average().orElse(0);
            for (int j = 0; j < neurons; j++) {
                theta[j] -= mean;
            }
        }
        return counts;
    }

    private void normalise(double[] row) {
        double s = 0;
        for (double v : row) {
            s += v;
        }
        if (s > 0) {
            double f = weightSum / s;
            for (int i = 0; i < row.length; i++) {
                row[i] = Math.min(rule.wMax(), row[i] * f);
            }
        }
    }

    /**
     * Labels each neuron with the class it fires most for (per sample of that class), from responses to
     * labelled samples: the usual read-out of an unsupervised STDP layer (Diehl &amp; Cook 2015).
     *
     * @param responses {@code responses[s][j]}: spike count of neuron {@code j} for sample {@code s}
     * @return the class of each neuron ({@code -1} for a neuron that never fired)
     */
    public static int[] assignClasses(int[][] responses, int[] labels, int classes) {
        int m = responses[0].length;
        double[][] sum = new double[m][classes];
        int[] perClass = new int[classes];
        for (int s = 0; s < responses.length; s++) {
            perClass[labels[s]]++;
            for (int j = 0; j < m; j++) {
                sum[j][labels[s]] += responses[s][j];
            }
        }
        int[] cls = new int[m];
        for (int j = 0; j < m; j++) {
            int arg = -1;
            double best = 0;
            for (int c = 0; c < classes; c++) {
                double mean = perClass[c] == 0 ? 0 : sum[j][c] / perClass[c];
                if (mean > best) {
                    best = mean;
                    arg = c;
                }
            }
            cls[j] = arg;
        }
        return cls;
    }

    /**
     * @return the predicted class of a response: the class whose neurons fired most on average
     *         ({@code -1} if no neuron fired)
     */
    public static int predict(int[] response, int[] neuronClass, int classes) {
        double[] sum = new double[classes];
        int[] n = new int[classes];
        for (int j = 0; j < response.length; j++) {
            if (neuronClass[j] >= 0) {
                sum[neuronClass[j]] += response[j];
                n[neuronClass[j]]++;
            }
        }
        int arg = -1;
        double best = 0;
        for (int c = 0; c < classes; c++) {
            if (n[c] > 0 && sum[c] / n[c] > best) {
                best = sum[c] / n[c];
                arg = c;
            }
        }
        return arg;
    }
}
