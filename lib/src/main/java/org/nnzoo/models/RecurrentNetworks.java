package org.nnzoo.models;

import java.util.SplittableRandom;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.recurrent.GRU;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.nn.recurrent.RNN;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.PairList;

import org.nnzoo.train.NativeTuning;

/**
 * The models that unroll the recurrent cells: a character-level language model and a sequence
 * classifier (sequential MNIST), each with the hand-written cells ({@link RnnCell}, {@link GruCell},
 * {@link LstmCell}) or DJL's built-in {@code ai.djl.nn.recurrent} layers (same maths, fused and fast), plus
 * two tools the chapters use: sampling text from a language model and the gradient norm through time.
 */
public final class RecurrentNetworks {

    /** The recurrent cell type. */
    public enum Kind {
        /** Elman RNN with tanh. */
        RNN,
        /** Gated recurrent unit. */
        GRU,
        /** Long short-term memory. */
        LSTM
    }

    private RecurrentNetworks() {
    }

    /**
     * @param kind    the cell type
     * @param hidden  the state size
     * @param layers  stacked layers (DJL's built-in layers; the hand-written cells have one)
     * @param scratch true for the hand-written cell, false for DJL's built-in layer
     * @return a block mapping {@code (B, T, D)} to {@code (B, T, H)} (the sequence of hidden states only)
     */
    public static Block recurrent(Kind kind, int hidden, int layers, boolean scratch) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be at least 1, got " + layers);
        }
        if (scratch) {
            if (layers != 1) {
                throw new IllegalArgumentException("the hand-written cells have one layer, got layers=" + layers
                        + ": use scratch=false for stacked layers");
            }
            RecurrentCell cell = kind == Kind.RNN ? new RnnCell(hidden) : kind == Kind.GRU ? new GruCell(hidden) : new LstmCell(hidden);
            return new SequentialBlock().add(cell).add(new LambdaBlock(l -> new NDList(l.head()), "hidden_states"));
        }
        switch (kind) {
            case RNN:
                return RNN.builder().setActivation(RNN.Activation.TANH).setStateSize(hidden).setNumLayers(layers)
                        .optBatchFirst(true).optReturnState(false).build();
            case GRU:
                return GRU.builder().setStateSize(hidden).setNumLayers(layers).optBatchFirst(true).optReturnState(false).build();
            default:
                return new LstmLayer(LSTM.builder().setStateSize(hidden).setNumLayers(layers).optBatchFirst(true)
                        .optReturnState(false).build());
        }
    }

    /**
     * DJL's fused {@link LSTM} layer, run through {@link NativeTuning#lstmKernel}: the same parameters and maths,
     * with ATen's LSTM instead of oneDNN's when PyTorch runs on one thread (much faster for training there) and, in
     * the reproducible mode, for every call that does not train (see {@link NativeTuning}). Use it like the layer it
     * wraps.
     */
    public static final class LstmLayer extends AbstractBlock {
        private final LSTM lstm;

        /** @param lstm the DJL layer to run (its parameters become this block's) */
        public LstmLayer(LSTM lstm) {
            this.lstm = addChildBlock("lstm", lstm);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            return NativeTuning.lstmKernel(training, () -> lstm.forward(ps, inputs, training, params));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return lstm.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            lstm.initialize(manager, dataType, inputShapes);
        }
    }

    /**
     * A character-level language model: one-hot characters, a recurrent network, a linear read-out to
     * logits over the vocabulary at every position. Input {@code (B, T)} indices (float or int), output
     * {@code (B, T, vocab)}; train with {@code Loss.softmaxCrossEntropyLoss()} against {@code (B, T)} next
     * characters.
     */
    public static SequentialBlock charLm(Kind kind, int vocab, int hidden, int layers, boolean scratch) {
        if (vocab < 2) {
            throw new IllegalArgumentException("vocab must be at least 2, got " + vocab);
        }
        return new SequentialBlock()
                .add(new LambdaBlock(l -> new NDList(l.head().toType(DataType.INT64, false).oneHot(vocab)), "one_hot"))
                .add(recurrent(kind, hidden, layers, scratch))
                .add(Linear.builder().setUnits(vocab).build());
    }

    /**
     * A sequence classifier: the input is read as a sequence of rows (an image {@code (B, 1, R, C)} becomes
     * {@code R} steps of {@code C} features, "sequential MNIST"), the last hidden state goes through a linear
     * layer to class logits.
     */
    public static SequentialBlock classifier(Kind kind, int hidden, int layers, int classes, boolean scratch) {
        if (classes < 2) {
            throw new IllegalArgumentException("classes must be at least 2, got " + classes);
        }
        return new SequentialBlock()
                .add(new LambdaBlock(l -> new NDList(asSequence(l.head())), "rows_as_steps"))
                .add(recurrent(kind, hidden, layers, scratch))
                .add(new LambdaBlock(l -> new NDList(l.head().get(new NDIndex(":, -1, :"))), "last_step"))
                .add(Linear.builder().setUnits(classes).build());
    }

    /** @return {@code (B, T, D)}: a 4-D image batch {@code (B, 1, R, C)} as R steps of C features */
    static NDArray asSequence(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() == 3) {
            return x;
        }
        if (s.dimension() == 4) {
            return x.reshape(s.get(0), s.get(1) * s.get(2), s.get(3));
        }
        throw new IllegalArgumentException("sequence input must be (B, T, D) or (B, 1, R, C), got " + s);
    }

    /**
     * Runs a hand-written cell and DJL's built-in layer of the same kind with the same weights on the same
     * random input, and compares them: outputs at every step, the gradient of a random weighted sum of the
     * outputs with respect to the input, and with respect to each of the four parameters.
     *
     * @return {largest forward difference, largest gradient difference}
     */
    public static double[] compareWithBuiltIn(Kind kind, int batch, int time, int features, int hidden, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            Shape in = new Shape(batch, time, features);
            RecurrentCell cell = kind == Kind.RNN ? new RnnCell(hidden) : kind == Kind.GRU ? new GruCell(hidden) : new LstmCell(hidden);
            Block builtIn = recurrent(kind, hidden, 1, false);
            cell.initialize(m, DataType.FLOAT32, in);
            builtIn.initialize(m, DataType.FLOAT32, in);
            for (String name : RecurrentCell.PARAMETERS) { // the built-in layer gets the cell's weights
                NDArray src = parameter(cell, name).getArray();
                NDArray dst = parameter(builtIn, name).getArray();
                if (!src.getShape().equals(dst.getShape())) {
                    throw new IllegalStateException(name + ": cell " + src.getShape() + " vs built-in " + dst.getShape());
                }
                dst.set(java.nio.FloatBuffer.wrap(src.toFloatArray()));
            }
            NDArray x = m.randomNormal(in);
            NDArray weights = m.randomNormal(new Shape(batch, time, hidden)); // every step counts in the loss
            Block[] blocks = {cell, builtIn};
            NDArray[] outs = new NDArray[2];
            NDArray[] grads = new NDArray[2];
            for (int k = 0; k < 2; k++) {
                NDArray xi = x.duplicate();
                xi.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray out = blocks[k].forward(new ParameterStore(m, false), new NDList(xi), true).head();
                    outs[k] = out.duplicate();
                    gc.backward(out.mul(weights).sum());
                }
                grads[k] = xi.getGradient().duplicate();
            }
            double fwd = maxAbsDiff(outs[0], outs[1]);
            double grad = maxAbsDiff(grads[0], grads[1]);
            for (String name : RecurrentCell.PARAMETERS) {
                NDArray g0 = parameter(cell, name).getArray().getGradient();
                NDArray g1 = parameter(builtIn, name).getArray().getGradient();
                if (g0.abs().sum().getFloat() == 0) {
                    throw new IllegalStateException(kind + " " + name + " got no gradient");
                }
                grad = Math.max(grad, maxAbsDiff(g0, g1));
            }
            return new double[] {fwd, grad};
        }
    }

    private static ai.djl.nn.Parameter parameter(Block b, String suffix) {
        return b.getParameters().stream().filter(p -> p.getKey().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no parameter *" + suffix + " in " + b.getParameters().keys()))
                .getValue();
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            throw new IllegalStateException("shapes differ: " + a.getShape() + " vs " + b.getShape());
        }
        return a.sub(b).abs().max().getFloat();
    }

    /**
     * Sets the forget-gate bias of every LSTM layer in an initialised block: {@code b_if = value},
     * {@code b_hf = 0} (rows {@code [H, 2H)} of the stacked i, f, g, o biases). A bias of 1 makes the
     * forget gates start near {@code sigmoid(1) = 0.73} instead of 0.5, so the cell state (and the gradient)
     * survives more steps from the start: F. A. Gers, J. Schmidhuber, F. Cummins 2000; R. Jozefowicz,
     * W. Zaremba, I. Sutskever, "An empirical exploration of recurrent network architectures", ICML 2015.
     *
     * @return the number of layers changed
     */
    public static int setForgetBias(Block block, float value) {
        int changed = 0;
        for (var p : block.getParameters()) {
            String name = p.getKey();
            if (!name.endsWith("i2h_BIAS") && !name.endsWith("h2h_BIAS")) {
                continue;
            }
            NDArray bias = p.getValue().getArray();
            long size = bias.getShape().get(0);
            String owner = name.substring(0, name.length() - "i2h_BIAS".length());
            boolean lstm = block.getParameters().keys().stream().anyMatch(k -> k.equals(owner + "h2h_WEIGHT"))
                    && block.getParameters().get(owner + "h2h_WEIGHT").getArray().getShape().get(0) == size
                    && size == 4 * block.getParameters().get(owner + "h2h_WEIGHT").getArray().getShape().get(1);
            if (!lstm) {
                continue;
            }
            long h = size / 4;
            float[] v = bias.toFloatArray();
            for (long i = h; i < 2 * h; i++) {
                v[(int) i] = name.endsWith("i2h_BIAS") ? value : 0f;
            }
            bias.set(java.nio.FloatBuffer.wrap(v));
            if (name.endsWith("i2h_BIAS")) {
                changed++;
            }
        }
        if (changed == 0) {
            throw new IllegalArgumentException("block has no initialised LSTM layer (parameters *i2h_BIAS of size 4H): "
                    + block.getParameters().keys() + "; initialise the block first");
        }
        return changed;
    }

    /**
     * How strongly the loss depends on each time step's input: {@code ||dL/dx_t||} averaged over the batch,
     * for every t. For a plain RNN it shrinks roughly geometrically as t moves away from the output
     * (vanishing gradients); the LSTM's additive cell state keeps it much flatter.
     *
     * @param model a model whose block maps {@code x} to logits at the last step
     * @param x     inputs, {@code (B, T, D)} or {@code (B, 1, T, D)}
     * @param y     class labels {@code (B)}
     * @return one value per time step
     */
    public static double[] inputGradientNorms(Model model, NDArray x, NDArray y) {
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDArray xi = asSequence(x).duplicate();
            xi.attach(sub);
            xi.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList out = model.getBlock().forward(new ParameterStore(sub, false), new NDList(xi), true);
                NDArray loss = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(y), out);
                gc.backward(loss);
            }
            NDArray g = xi.getGradient(); // (B, T, D)
            long batch = g.getShape().get(0);
            NDArray perSample = g.square().sum(new int[] {2}).sqrt(); // (B, T)
            float[] mean = perSample.sum(new int[] {0}).div(batch).toFloatArray();
            double[] out = new double[mean.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = mean[i];
            }
            return out;
        }
    }

    /**
     * Samples text from a character language model, one character at a time: the logits of the last
     * position are divided by {@code temperature}, all but the {@code topK} largest are dropped, and the
     * next character is drawn from the softmax. The model sees at most the last {@code context} characters.
     *
     * @param model       a trained language model ({@code (1, T)} indices to {@code (1, T, V)} logits)
     * @param prompt      the start, as vocabulary indices (at least one)
     * @param length      characters to generate
     * @param temperature &gt; 0; lower is more conservative
     * @param topK        keep the k most likely characters (0 or &gt;= V: all)
     * @param seed        seed of the sampler
     * @return prompt followed by the generated indices
     */
    public static int[] sample(Model model, int[] prompt, int length, int context, double temperature, int topK, long seed) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("prompt must have at least one character");
        }
        if (temperature <= 0) {
            throw new IllegalArgumentException("temperature must be positive, got " + temperature);
        }
        if (context < 1) {
            throw new IllegalArgumentException("context must be at least 1, got " + context);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] seq = java.util.Arrays.copyOf(prompt, prompt.length + length);
        int n = prompt.length;
        try (var threads = org.nnzoo.train.NativeTuning.evaluationThreads(model.getBlock())) { // one thread: small steps
            for (int step = 0; step < length; step++) {
                n = sampleStep(model, seq, n, context, temperature, topK, rnd);
            }
        }
        return seq;
    }

    /** One character of {@link #sample}: runs the model on the last {@code context} of {@code seq[0, n)}, draws the next. */
    private static int sampleStep(Model model, int[] seq, int n, int context, double temperature, int topK, SplittableRandom rnd) {
        int from = Math.max(0, n - context);
        float[] window = new float[n - from];
        for (int i = from; i < n; i++) {
            window[i - from] = seq[i];
        }
        float[] logits;
        try (NDManager sub = model.getNDManager().newSubManager()) {
            NDArray in = sub.create(window, new Shape(1, window.length));
            NDArray out = model.getBlock().forward(new ParameterStore(sub, false), new NDList(in), false).head();
            logits = out.get(new NDIndex("0, -1, :")).toFloatArray();
        }
        seq[n++] = draw(logits, temperature, topK, rnd);
        return n;
    }

    /** @return an index drawn from softmax(logits / temperature) restricted to the top k */
    static int draw(float[] logits, double temperature, int topK, SplittableRandom rnd) {
        int v = logits.length;
        double cut = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < v) {
            float[] sorted = logits.clone();
            java.util.Arrays.sort(sorted);
            cut = sorted[v - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] p = new double[v];
        double sum = 0;
        for (int i = 0; i < v; i++) {
            p[i] = logits[i] >= cut ? Math.exp((logits[i] - max) / temperature) : 0;
            sum += p[i];
        }
        double u = rnd.nextDouble() * sum;
        for (int i = 0; i < v; i++) {
            u -= p[i];
            if (u <= 0 && p[i] > 0) {
                return i;
            }
        }
        for (int i = v - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return 0;
    }
}
