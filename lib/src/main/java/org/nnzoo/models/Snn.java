package org.nnzoo.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

import org.nnzoo.train.NativeTuning;

/**
 * Spiking neural networks: leaky integrate-and-fire (LIF) neurons that run over {@code T} time steps, and a
 * surrogate gradient so that a spiking network trains with backpropagation through time in DJL. The input
 * spike codes (rate and latency coding) are in {@link SpikeCoding}, the read-out and the loss of the output
 * layer in {@link SnnReadout}.
 *
 * <p>The LIF neuron (discrete time, as in snnTorch): with input current {@code I[t]}, decay {@code beta},
 * threshold {@code theta},
 * <pre>
 *   U[t] = beta * U[t-1] + I[t] - S[t-1] * theta        (reset by subtraction)
 *   U[t] = beta * U[t-1] * (1 - S[t-1]) + I[t]          (reset to zero)
 *   S[t] = H(U[t] - theta)                              (H: Heaviside step, H(v) = 1 for v &gt; 0)
 * </pre>
 * The step {@code H} has zero derivative almost everywhere, so backpropagation uses a smooth
 * <em>surrogate</em> derivative instead (fast sigmoid, Zenke &amp; Ganguli 2018; arctan, Fang et al. 2021):
 * {@code spike = H(v) + g(v) - stopGradient(g(v))} has the forward value {@code H(v)} exactly and the
 * gradient {@code g'(v)}, where {@code g} is the antiderivative of the surrogate derivative. The reset
 * term uses the detached spike (Zenke &amp; Vogels 2021).
 *
 * <p>References: W. Maass, "Networks of spiking neurons: the third generation of neural network models",
 * Neural Networks 10(9), 1997. E. O. Neftci, H. Mostafa, F. Zenke, "Surrogate gradient learning in spiking
 * neural networks", IEEE Signal Processing Magazine 36(6), 2019. J. K. Eshraghian et al., "Training spiking
 * neural networks using lessons from deep learning", Proc. IEEE 111(9), 2023 (snnTorch). The unsupervised
 * STDP layer is in {@link Stdp}.
 *
 * <p>{@link Network} is a DJL block (784-H-10 and deeper): input images go through a {@link SpikeCoding},
 * each layer's input currents for all {@code T} steps come from one batched matmul (a feed-forward SNN can
 * be computed layer by layer over the whole time window), then the LIF recurrence runs over time. Its
 * first output is a score per class, the output layer's spike count with ties broken by the membrane
 * potential ({@link SnnReadout#scores}; the predicted class is the one that fires most), the second its
 * membrane potential over time, trained with {@link SnnReadout.MembraneLoss} (cross-entropy of the output
 * membrane potential at every step, as in snnTorch's tutorials: denser gradients than a loss on spike counts).
 */
public final class Snn {

    private Snn() {
    }

    /** How the membrane is reset after a spike. */
    public enum Reset {
        /** {@code U -= theta}: keeps the charge above threshold (more accurate rate code). */
        SUBTRACT,
        /** {@code U = 0}: forgets it. */
        ZERO
    }

    /** The smooth stand-in for the Heaviside step's derivative used in the backward pass. */
    public enum Surrogate {
        /** {@code g(v) = v / (1 + k|v|)}, {@code g'(v) = 1 / (1 + k|v|)^2} (SuperSpike, Zenke &amp; Ganguli 2018). */
        FAST_SIGMOID,
        /** {@code g(v) = atan(pi/2 * a * v) / pi}, {@code g'(v) = (a/2) / (1 + (pi/2 * a * v)^2)} (Fang et al. 2021). */
        ARCTAN;

        /** @return the antiderivative {@code g(v)} of the surrogate derivative, element-wise */
        public NDArray smooth(NDArray v, float slope) {
            if (this == FAST_SIGMOID) {
                return v.div(v.abs().mul(constant(v, slope)).add(constant(v, 1f)));                 // v / (1 + k|v|)
            }
            return v.mul(constant(v, (float) (Math.PI / 2 * slope))).atan().div(constant(v, (float) Math.PI)); // atan(pi/2 a v) / pi
        }

        /** @return {@code g(v)} for one value (plain Java, for tests and plots) */
        public double smooth(double v, double slope) {
            return this == FAST_SIGMOID ? v / (1 + slope * Math.abs(v)) : Math.atan(Math.PI / 2 * slope * v) / Math.PI;
        }

        /** @return the surrogate derivative {@code g'(v)} for one value */
        public double derivative(double v, double slope) {
            if (this == FAST_SIGMOID) {
                double d = 1 + slope * Math.abs(v);
                return 1 / (d * d);
            }
            double z = Math.PI / 2 * slope * v;
            return slope / 2 / (1 + z * z);
        }
    }

    /**
     * The spike non-linearity with a surrogate gradient: forward value {@code H(v)} (1 where {@code v > 0},
     * else 0) exactly, gradient {@code surrogate.derivative(v, slope)}.
     *
     * @param v membrane potential minus threshold
     */
    // excerpt-begin: spike
    public static NDArray spike(NDArray v, Surrogate surrogate, float slope) {
        NDArray g = surrogate.smooth(v, slope);
        // H + (g - g): the bracket is exactly 0 forward, and only g carries a gradient
        return heaviside(v).add(g.sub(g.stopGradient()));
    }
    // excerpt-end: spike

    /**
     * A scalar as an array in {@code like}'s manager, alive until that manager closes. Differentiable code
     * here never uses DJL's {@code NDArray.mul(Number)} and friends: they wrap the number in a temporary
     * array over Java memory and close it right after the operation, but autograd keeps that tensor for the
     * backward pass, which then reads freed memory once the garbage collector has run (NaN gradients at
     * random steps; measured with DJL 0.35.1 / PyTorch 2.7.1).
     */
    static NDArray constant(NDArray like, float value) {
        return org.nnzoo.train.Scalars.of(like, value);
    }

    /** @return 1 where {@code v > 0}, else 0 (float32, no gradient) */
    public static NDArray heaviside(NDArray v) {
        return v.gt(0f).toType(DataType.FLOAT32, false);
    }

    /** Parameters of a LIF layer. */
    public static final class Lif {
        private final float beta;
        private final float threshold;
        private final Reset reset;
        private final Surrogate surrogate;
        private final float slope;

        /**
         * @param beta      membrane decay per step, in [0, 1] (0: no memory, 1: perfect integrator)
         * @param threshold firing threshold, positive
         * @param reset     reset mechanism
         * @param surrogate surrogate gradient of the spike
         * @param slope     sharpness of the surrogate (fast sigmoid: k = 25 in snnTorch's tutorials; arctan: a = 2)
         */
        public Lif(float beta, float threshold, Reset reset, Surrogate surrogate, float slope) {
            if (!(beta >= 0 && beta <= 1)) {
                throw new IllegalArgumentException("beta (membrane decay) must be in [0, 1], got " + beta);
            }
            if (!(threshold > 0)) {
                throw new IllegalArgumentException("threshold must be positive, got " + threshold);
            }
            if (!(slope > 0)) {
                throw new IllegalArgumentException("surrogate slope must be positive, got " + slope);
            }
            if (reset == null || surrogate == null) {
                throw new IllegalArgumentException("reset and surrogate must not be null");
            }
            this.beta = beta;
            this.threshold = threshold;
            this.reset = reset;
            this.surrogate = surrogate;
            this.slope = slope;
        }

        /** The settings of snnTorch's tutorials: beta 0.95, threshold 1 and reset by subtraction (snnTorch's defaults), fast sigmoid with k = 25. */
        public static Lif standard() {
            return new Lif(0.95f, 1f, Reset.SUBTRACT, Surrogate.FAST_SIGMOID, 25f);
        }

        public float beta() {
            return beta;
        }

        public float threshold() {
            return threshold;
        }

        public Reset reset() {
            return reset;
        }

        /**
         * Runs the layer over time.
         *
         * @param currents input currents {@code (T, batch, neurons)}, or {@code (batch, neurons)} for the same
         *                 current at every one of {@code steps} steps
         * @param steps    number of time steps (must equal {@code T} when {@code currents} has a time axis)
         * @param membrane also return the membrane potentials {@code (T, batch, neurons)}
         * @return {spikes (T, batch, neurons)} or {spikes, membrane}
         */
        public NDList run(NDArray currents, int steps, boolean membrane) {
            boolean constant = currents.getShape().dimension() == 2;
            if (!constant && currents.getShape().get(0) != steps) {
                throw new IllegalArgumentException("currents have " + currents.getShape().get(0) + " time steps, expected "
                        + steps + " (shape " + currents.getShape() + ")");
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            }
            NDArray betaC = constant(currents, beta);
            NDArray thresholdC = constant(currents, threshold);
            NDArray one = constant(currents, 1f);
            NDList spikes = new NDList(steps);
            NDList mems = membrane ? new NDList(steps) : null;
            NDArray u = null;
            NDArray s = null;
            // excerpt-begin: lif-run
            for (int t = 0; t < steps; t++) {
                NDArray in = constant ? currents : currents.get(t);
                if (u == null) {
                    u = in;
                } else {
                    NDArray fired = s.stopGradient();
                    u = reset == Reset.SUBTRACT
                            ? u.mul(betaC).add(in).sub(fired.mul(thresholdC)) // U[t] = beta U[t-1] + I[t] - S[t-1] theta
                            : u.mul(one.sub(fired)).mul(betaC).add(in);        // U[t] = beta U[t-1] (1 - S[t-1]) + I[t]
                }
                s = spike(u.sub(thresholdC), surrogate, slope);                // S[t] = H(U[t] - theta)
                spikes.add(s);
                if (membrane) {
                    mems.add(u);
                }
            }
            // excerpt-end: lif-run
            NDArray st = NDArrays.stack(spikes);
            return membrane ? new NDList(st, NDArrays.stack(mems)) : new NDList(st);
        }

        /**
         * The same neuron in plain Java, one neuron, for teaching and as the reference the tensor version is
         * tested against.
         *
         * @param current input current at each step
         * @return the membrane potential and the spikes (0/1) at each step
         */
        // excerpt-begin: lif-simulate
        public Trace simulate(double[] current) {
            double[] u = new double[current.length];
            int[] s = new int[current.length];
            double prev = 0;
            int fired = 0;
            for (int t = 0; t < current.length; t++) {
                double v = t == 0 ? current[0]
                        : reset == Reset.SUBTRACT ? beta * prev + current[t] - fired * threshold
                        : beta * prev * (1 - fired) + current[t];
                u[t] = v;
                fired = v - threshold > 0 ? 1 : 0;
                s[t] = fired;
                prev = v;
            }
            return new Trace(u, s);
        }
        // excerpt-end: lif-simulate

        /**
         * Closed form for a constant current {@code I} from rest: {@code U[t] = I (1 - beta^t) / (1 - beta)}
         * (t = 1, 2, ...), so the first spike comes at the smallest {@code t} with {@code U[t] > theta}:
         * {@code t* = ceil(ln(1 - theta (1 - beta) / I) / ln beta)}.
         *
         * @return the 1-based step of the first spike, or -1 if the neuron never fires
         *         ({@code I <= theta (1 - beta)})
         */
        public int firstSpikeStep(double current) {
            if (beta == 1f) {
                return current > 0 ? (int) Math.floor(threshold / current) + 1 : -1;
            }
            double ratio = threshold * (1 - beta) / current;
            if (current <= 0 || ratio >= 1) {
                return -1;
            }
            if (beta == 0f) {
                return 1;
            }
            return (int) Math.ceil(Math.log(1 - ratio) / Math.log(beta));
        }
    }

    /** A simulated neuron: membrane potential and spikes per step. */
    public record Trace(double[] membrane, int[] spikes) {
        /** @return the number of spikes */
        public int count() {
            return Arrays.stream(spikes).sum();
        }
    }

    /** @return a builder of a fully connected spiking network */
    public static Builder network() {
        return new Builder();
    }

    /** Configures a {@link Network}. */
    public static final class Builder {
        private int[] hidden = {1000};
        private int outputs = 10;
        private int steps = 25;
        private Lif lif = Lif.standard();
        private SpikeCoding encoding = SpikeCoding.RATE;
        private float gain = 1f;

        /** Widths of the hidden LIF layers; default {1000}. */
        public Builder hidden(int... widths) {
            for (int w : widths) {
                if (w < 1) {
                    throw new IllegalArgumentException("hidden layer widths must be positive, got " + Arrays.toString(widths));
                }
            }
            this.hidden = widths.clone();
            return this;
        }

        /** Number of output neurons (classes); default 10. */
        public Builder outputs(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("outputs must be at least 1, got " + n);
            }
            this.outputs = n;
            return this;
        }

        /** Number of time steps T; default 25. */
        public Builder steps(int t) {
            if (t < 1) {
                throw new IllegalArgumentException("steps must be at least 1, got " + t);
            }
            this.steps = t;
            return this;
        }

        /** Neuron parameters of every layer; default {@link Lif#standard()}. */
        public Builder lif(Lif l) {
            if (l == null) {
                throw new IllegalArgumentException("lif must not be null: use Snn.Lif.standard()");
            }
            this.lif = l;
            return this;
        }

        /** Input coding; default {@link SpikeCoding#RATE} with gain 1. */
        public Builder encoding(SpikeCoding e, float rateGain) {
            if (e == null) {
                throw new IllegalArgumentException("encoding must not be null");
            }
            if (!(rateGain > 0)) {
                throw new IllegalArgumentException("rateGain must be positive, got " + rateGain);
            }
            this.encoding = e;
            this.gain = rateGain;
            return this;
        }

        public Network build() {
            return new Network(this);
        }
    }

    /**
     * A fully connected feed-forward SNN: encoder, then (Linear, LIF) per layer, all layers spiking.
     *
     * <p>Input {@code (batch, ...)} intensities in [0, 1] (flattened), or already encoded spikes
     * {@code (T, batch, features)}. Outputs: the class scores {@code (batch, outputs)} (spike counts, ties
     * broken by the mean membrane potential, see {@link SnnReadout#scores}; prediction = the class that fires most) and
     * its membrane potential
     * {@code (T, batch, outputs)}, which {@link SnnReadout.MembraneLoss} trains on. {@link #record} also returns every
     * layer's spikes. Its time loop is a recurrence of many small operations, so it trains and is evaluated on one
     * PyTorch thread where OpenMP waits passively ({@link NativeTuning.StepwiseRecurrence}).
     */
    public static final class Network extends AbstractBlock implements NativeTuning.StepwiseRecurrence {
        private final int[] hidden;
        private final int outputs;
        private final int steps;
        private final Lif lif;
        private final SpikeCoding encoding;
        private final float gain;
        private final List<Linear> layers = new ArrayList<>();

        private Network(Builder b) {
            this.hidden = b.hidden;
            this.outputs = b.outputs;
            this.steps = b.steps;
            this.lif = b.lif;
            this.encoding = b.encoding;
            this.gain = b.gain;
            for (int i = 0; i <= hidden.length; i++) {
                int units = i < hidden.length ? hidden[i] : outputs;
                layers.add(addChildBlock("fc" + (i + 1), Linear.builder().setUnits(units).build()));
            }
        }

        public int steps() {
            return steps;
        }

        public SpikeCoding encoding() {
            return encoding;
        }

        /** @return widths of all spiking layers, hidden then output */
        public int[] widths() {
            int[] w = Arrays.copyOf(hidden, hidden.length + 1);
            w[hidden.length] = outputs;
            return w;
        }

        /** @return the encoded input spikes {@code (T, batch, features)}, or the flat intensities for DIRECT */
        public NDArray encode(NDArray images) {
            NDArray flat = images.reshape(images.getShape().get(0), -1);
            return encoding.encode(flat, steps, gain);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList r = simulate(ps, inputs.head(), training);
            NDArray membrane = r.get(r.size() - 1);
            return new NDList(SnnReadout.scores(r.get(0), membrane), membrane);
        }

        /**
         * Runs the network and keeps every layer's spikes (for rasters and spike counts).
         *
         * @param images intensities {@code (batch, ...)} in [0, 1], or encoded spikes {@code (T, batch, features)}
         * @return {output spike counts (batch, outputs), input spikes (T, batch, features) (for DIRECT: the
         *         intensities (batch, features)), then the spikes (T, batch, width) of each layer, then the
         *         output layer's membrane potential (T, batch, outputs)}
         */
        public NDList record(NDArray images) {
            return simulate(new ParameterStore(images.getManager(), false), images, false);
        }

        private NDList simulate(ParameterStore ps, NDArray x, boolean training) {
            NDArray in = isEncoded(x.getShape()) ? x : encode(x);
            NDList out = new NDList(layers.size() + 2);
            out.add(in);
            NDArray membrane = null;
            for (int i = 0; i < layers.size(); i++) {
                // one batched matmul for all T steps (or one for DIRECT's constant current)
                NDArray currents = layers.get(i).forward(ps, new NDList(in), training).head();
                boolean last = i == layers.size() - 1;
                NDList r = lif.run(currents, steps, last);
                in = r.head();
                out.add(in);
                if (last) {
                    membrane = r.get(1);
                }
            }
            out.add(0, in.sum(new int[] {0}));
            out.add(membrane);
            return out;
        }

        private boolean isEncoded(Shape s) {
            return s.dimension() == 3 && s.get(0) == steps && encoding != SpikeCoding.DIRECT;
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            Shape in = inputShapes[0];
            long batch = isEncoded(in) ? in.get(1) : in.get(0);
            return new Shape[] {new Shape(batch, outputs), new Shape(steps, batch, outputs)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            long features;
            long batch;
            if (isEncoded(in)) {
                batch = in.get(1);
                features = in.get(2);
            } else {
                batch = in.get(0);
                features = in.size() / batch;
            }
            Shape shape = new Shape(batch, features);
            for (Linear layer : layers) {
                layer.initialize(manager, dataType, shape);
                shape = layer.getOutputShapes(new Shape[] {shape})[0];
            }
        }

        @Override
        public String toString() {
            return "Snn.Network(" + Arrays.toString(widths()) + ", T=" + steps + ", beta=" + lif.beta() + ", threshold="
                    + lif.threshold() + ", reset=" + lif.reset() + ", " + encoding + ")";
        }
    }
}
