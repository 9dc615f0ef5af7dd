package org.nnzoo.models;

import java.util.Arrays;
import java.util.Optional;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;

/**
 * The graph convolutional network (GCN) for semi-supervised node classification: each layer mixes every
 * node's features with its neighbours' through the normalised adjacency matrix,
 * <pre>
 *   H' = sigma(Â H W),    Â = D̃^-1/2 (A + I) D̃^-1/2,   D̃_ii = 1 + degree(i)
 * </pre>
 * and the two-layer model of the paper is {@code Z = softmax(Â ReLU(Â X W1) W2)}, trained with the
 * cross-entropy of the labelled nodes only (plus an L2 penalty on {@code W1}).
 *
 * <p>T. N. Kipf, M. Welling, "Semi-Supervised Classification with Graph Convolutional Networks", ICLR 2017
 * (arXiv:1609.02907). The rule is a first-order approximation of spectral graph convolutions (D. K. Hammond,
 * P. Vandergheynst, R. Gribonval, "Wavelets on graphs via spectral graph theory", 2011; M. Defferrard,
 * X. Bresson, P. Vandergheynst, "Convolutional neural networks on graphs with fast localized spectral
 * filtering", NeurIPS 2016), with the "renormalisation trick" (self-loops added before normalising).
 *
 * <p>This file holds the layer and the model:
 * <ul>
 *   <li>{@link GraphConv}: one layer, {@code Â (H W)} (linear first: cheaper, since the output is narrower);</li>
 *   <li>{@link Net}: the two-layer model of the paper, {@code dropout -> GraphConv(16) -> ReLU -> dropout ->
 *       GraphConv(classes)}, which returns the logits of the requested nodes only, so that
 *       {@link org.nnzoo.train.Fit}'s loss and accuracy apply unchanged;</li>
 *   <li>{@link #predict} and {@link #hiddenEmbeddings}, for the trained model.</li>
 * </ul>
 * Around it: {@link Adjacency} builds {@code Â} (sparse, from an edge list); {@link FullGraph} feeds the whole
 * graph as one batch per epoch (full-batch training); {@link GcnRecipes} has the training details in which
 * the two reference implementations differ, Kipf's TensorFlow code (github.com/tkipf/gcn: no biases, L2
 * {@code 5e-4 * l2_loss(W1)} in the loss, Adam, {@link GcnRecipes#kipfEarlyStopping}) and PyTorch Geometric's
 * {@code examples/gcn.py} ({@code GCNConv} layers with biases, {@link #build(int, int, float, boolean)} with
 * {@code useBias}; 200 epochs, the epoch of the best validation accuracy); the 13-gcn notebook reproduces both.
 * With {@link Adjacency#identity} instead of the graph, the same network is a two-layer MLP that sees each
 * paper's words but not its citations: the baseline the graph has to beat.
 */
public final class Gcn {

    private Gcn() {
    }

    /**
     * @param hidden  width of the hidden layer (16 in the paper)
     * @param classes number of classes
     * @param dropout dropout rate on the input and hidden features (0.5 in the paper)
     * @return the two-layer GCN
     */
    public static Net build(int hidden, int classes, float dropout) {
        return new Net(hidden, classes, dropout, false);
    }

    /**
     * @param hidden  width of the hidden layer
     * @param classes number of classes
     * @param dropout dropout rate on the input and hidden features
     * @param useBias give both layers a bias (Kipf's reference code has none; PyTorch Geometric's {@code GCNConv}
     *                has one, starting at zero)
     * @return the two-layer GCN
     */
    public static Net build(int hidden, int classes, float dropout, boolean useBias) {
        return new Net(hidden, classes, dropout, useBias);
    }

    // ------------------------------------------------------------------ one layer

    /**
     * One graph convolution {@code Â (H W)} (+ b): inputs {@code [H (n, in), Â (n, n)]}, output {@code (n, units)}.
     * {@code Â} may be sparse (COO) or dense; the sparse product is the main path. {@code H} may be sparse too
     * (the first layer's input X, {@link FullGraph}'s). The weight starts
     * Glorot-uniform, as in the paper.
     */
    public static final class GraphConv extends AbstractBlock {

        private final int units;
        private final Parameter weight;
        private final Parameter bias;

        /**
         * @param units   output features per node
         * @param useBias add a learned bias (Kipf's reference code has none)
         */
        public GraphConv(int units, boolean useBias) {
            if (units < 1) {
                throw new IllegalArgumentException("units must be at least 1, got " + units);
            }
            this.units = units;
            this.weight = addParameter(Parameter.builder().setName("weight").setType(Parameter.Type.WEIGHT)
                    .optInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                            XavierInitializer.FactorType.AVG, 3f)) // U(±sqrt(6/(in+out))): Glorot
                    .build());
            this.bias = useBias ? addParameter(Parameter.builder().setName("bias").setType(Parameter.Type.BIAS)
                    .build()) : null;
        }

        /** @return the weight matrix parameter, shape (in, units) */
        public Parameter weight() {
            return weight;
        }

        /** @return the bias parameter, shape (units), if the layer has one */
        public Optional<Parameter> bias() {
            return Optional.ofNullable(bias);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            requireInputs(inputs, 2, "[features (n, in), adjacency (n, n)]");
            // excerpt-begin: graphConv
            NDArray h = inputs.get(0);
            NDArray adj = inputs.get(1);                                       // Â, sparse
            NDArray w = ps.getValue(weight, h.getDevice(), training);
            NDArray out = adj.matMul(h.matMul(w));                             // H' = Â (H W)
            if (bias != null) {
                out = out.add(ps.getValue(bias, h.getDevice(), training));     //      + b
            }
            return new NDList(out);
            // excerpt-end: graphConv
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), units)};
        }

        @Override
        protected void prepare(Shape[] inputShapes) {
            weight.setShape(new Shape(inputShapes[0].get(inputShapes[0].dimension() - 1), units));
            if (bias != null) {
                bias.setShape(new Shape(units));
            }
        }
    }

    // ------------------------------------------------------------------ the network

    /**
     * The two-layer GCN. Inputs {@code [X (n, f), Â (n, n)]} give the logits of all nodes; with a third input,
     * int64 node indices {@code (k)}, the logits of those nodes only {@code (k, classes)}. X may be dense or a
     * sparse COO matrix ({@link FullGraph}'s); for a sparse X the input dropout draws only for its stored
     * entries ({@link TorchOps#sparseDropout}, Kipf's {@code sparse_dropout}): the same distribution, since a
     * dropped zero is still zero, without a random draw and a product for each of the {@code n f} entries.
     */
    public static final class Net extends AbstractBlock {

        private final Dropout inputDropout;
        private final GraphConv conv1;
        private final Dropout hiddenDropout;
        private final GraphConv conv2;
        private final int classes;
        private final float dropout;

        Net(int hidden, int classes, float dropout, boolean useBias) {
            if (classes < 1) {
                throw new IllegalArgumentException("classes must be at least 1, got " + classes);
            }
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            this.classes = classes;
            this.dropout = dropout;
            inputDropout = addChildBlock("inputDropout", Dropout.builder().optRate(dropout).build());
            conv1 = addChildBlock("conv1", new GraphConv(hidden, useBias));
            hiddenDropout = addChildBlock("hiddenDropout", Dropout.builder().optRate(dropout).build());
            conv2 = addChildBlock("conv2", new GraphConv(classes, useBias));
        }

        /** @return the first layer (its weight is the one Kipf and Welling regularise) */
        public GraphConv firstLayer() {
            return conv1;
        }

        /** @return the second (output) layer */
        public GraphConv secondLayer() {
            return conv2;
        }

        /**
         * @return the hidden representation {@code ReLU(Â X W1)} of every node, (n, hidden) (call with
         *     {@code training=false} for the deterministic embedding)
         */
        public NDArray hidden(ParameterStore ps, NDArray x, NDArray adj, boolean training) {
            // excerpt-begin: hidden
            NDArray h;
            if (!x.isSparse()) {
                h = inputDropout.forward(ps, new NDList(x), training).head();  // dropout of every entry of X
            } else if (training && dropout > 0) {
                h = TorchOps.sparseDropout(x, dropout);     // of X's stored entries only (Kipf's sparse_dropout)
            } else {
                h = x;
            }
            return Activation.relu(conv1.forward(ps, new NDList(h, adj), training).head()); // ReLU(Â dropout(X) W1)
            // excerpt-end: hidden
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            requireInputs(inputs, 2, "[features (n, f), adjacency (n, n)] or [features, adjacency, node indices]");
            // excerpt-begin: net
            NDArray adj = inputs.get(1);
            NDArray h = hidden(ps, inputs.get(0), adj, training);                    // H1 = ReLU(Â dropout(X) W1)
            h = hiddenDropout.forward(ps, new NDList(h), training).head();
            NDArray logits = conv2.forward(ps, new NDList(h, adj), training).head(); // Z = Â dropout(H1) W2
            if (inputs.size() > 2) {
                logits = logits.get(inputs.get(2));                                 // only the requested nodes
            }
            return new NDList(logits);
            // excerpt-end: net
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            long rows = inputShapes.length > 2 ? inputShapes[2].get(0) : inputShapes[0].get(0);
            return new Shape[] {new Shape(rows, classes)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape x = inputShapes[0];
            Shape adj = inputShapes[1];
            inputDropout.initialize(manager, dataType, x);
            conv1.initialize(manager, dataType, x, adj);
            Shape h = conv1.getOutputShapes(new Shape[] {x, adj})[0];
            hiddenDropout.initialize(manager, dataType, h);
            conv2.initialize(manager, dataType, h, adj);
        }
    }

    private static void requireInputs(NDList inputs, int min, String expected) {
        if (inputs.size() < min) {
            throw new IllegalArgumentException("expected inputs " + expected + ", got " + inputs.size() + " array(s)");
        }
    }

    // ------------------------------------------------------------------ a layer written by hand

    /** A graph convolution written out on arrays: {@code (H [n][in], W [in][out], Â) -> Â H W, [n][out]}. */
    @FunctionalInterface
    public interface HandLayer {
        float[][] apply(float[][] h, float[][] w, Adjacency a);
    }

    /**
     * Compares a hand-written graph convolution with {@link GraphConv} (no bias): a fresh layer of {@code units}
     * outputs, initialised after {@code Engine.setRandomSeed(seed)}, runs on the features with {@code a} as a sparse
     * matrix; the hand-written layer gets the same weights.
     *
     * @param features     {@code n * featureCount} values, row-major
     * @return the largest absolute difference between the two outputs
     */
    public static double handLayerError(HandLayer layer, float[] features, int featureCount, Adjacency a, int units,
                                        int seed) {
        int nodes = a.nodes();
        try (NDManager mgr = NDManager.newBaseManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            GraphConv conv = new GraphConv(units, false);
            conv.initialize(mgr, DataType.FLOAT32, new Shape(nodes, featureCount), new Shape(nodes, nodes));
            NDArray libOut = conv.forward(new ParameterStore(mgr, false),
                    new NDList(mgr.create(features, new Shape(nodes, featureCount)), a.toSparse(mgr)), false).head();
            float[][] w = rows(conv.weight().getArray().toFloatArray(), units);
            float[][] mine = layer.apply(rows(features, featureCount), w, a);
            float[] lib = libOut.toFloatArray();
            double err = 0;
            for (int i = 0; i < nodes; i++) {
                for (int u = 0; u < units; u++) {
                    err = Math.max(err, Math.abs(mine[i][u] - lib[i * units + u]));
                }
            }
            return err;
        }
    }

    /** @return {@code flat} (rows of {@code cols} values, one after another) as {@code [row][col]} */
    public static float[][] rows(float[] flat, int cols) {
        if (cols < 1 || flat.length % cols != 0) {
            throw new IllegalArgumentException(flat.length + " values do not make rows of " + cols);
        }
        float[][] out = new float[flat.length / cols][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, i * cols, (i + 1) * cols);
        }
        return out;
    }

    // ------------------------------------------------------------------ after training

    /** @return the predicted class of every node of {@code data}'s split, in order (inference mode) */
    public static int[] predict(Model model, FullGraph data) {
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList in = data.graphInputs();
            in.tempAttach(m);
            in.add(m.create(Arrays.stream(data.nodeIndex()).asLongStream().toArray()));
            NDArray logits = model.getBlock().forward(new ParameterStore(m, false), in, false).head();
            return logits.argMax(1).toType(DataType.INT32, false).toIntArray();
        }
    }

    /** @return the hidden representation of every node, {@code [node][unit]} (inference mode, no dropout) */
    public static float[][] hiddenEmbeddings(Model model, FullGraph data) {
        if (!(model.getBlock() instanceof Net net)) {
            throw new IllegalArgumentException("the model's block is a " + model.getBlock().getClass().getSimpleName()
                    + ", not a Gcn.Net");
        }
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDList in = data.graphInputs();
            in.tempAttach(m);
            NDArray h = net.hidden(new ParameterStore(m, false), in.get(0), in.get(1), false);
            int n = (int) h.getShape().get(0);
            int d = (int) h.getShape().get(1);
            float[] flat = h.toFloatArray();
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = Arrays.copyOfRange(flat, i * d, i * d + d);
            }
            return out;
        }
    }
}
