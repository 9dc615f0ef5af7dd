package org.nnzoo.models;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

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
import ai.djl.training.dataset.Batch;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.translate.Batchifier;
import ai.djl.util.PairList;

import org.nnzoo.train.BatchSource;
import org.nnzoo.train.StopRule;

/**
 * The graph convolutional network (GCN) for semi-supervised node classification: each layer mixes every
 * node's features with its neighbours' through the normalised adjacency matrix,
 * {@code H' = sigma(Â H W)} with {@code Â = D^-1/2 (A + I) D^-1/2}.
 *
 * <p>T. N. Kipf, M. Welling, "Semi-Supervised Classification with Graph Convolutional Networks", ICLR 2017
 * (arXiv:1609.02907). The rule is a first-order approximation of spectral graph convolutions (D. K. Hammond,
 * P. Vandergheynst, R. Gribonval, "Wavelets on graphs via spectral graph theory", 2011; M. Defferrard,
 * X. Bresson, P. Vandergheynst, "Convolutional neural networks on graphs with fast localized spectral
 * filtering", NeurIPS 2016), with the "renormalisation trick" (self-loops added before normalising).
 *
 * <p>Pieces, all in this file because they exist for this architecture:
 * <ul>
 *   <li>{@link Adjacency}: {@code Â} as a sparse COO matrix (built in Java, then one sparse NDArray);</li>
 *   <li>{@link GraphConv}: one layer, {@code Â (H W)} (linear first: cheaper, since the output is narrower);</li>
 *   <li>{@link Net}: the two-layer model of the paper, {@code dropout -> GraphConv(16) -> ReLU -> dropout ->
 *       GraphConv(classes)}, which returns the logits of the requested nodes only, so that
 *       {@link org.nnzoo.train.Fit}'s loss and accuracy apply unchanged;</li>
 *   <li>{@link FullGraph}: a {@link BatchSource} yielding the whole graph as one batch per epoch (full-batch
 *       training), inputs {@code [features, Â (sparse), node indices]}, labels of those nodes.</li>
 * </ul>
 * With {@link Adjacency#identity} instead of the graph, the same network is a two-layer MLP that sees each
 * paper's words but not its citations: the baseline the graph has to beat.
 *
 * <p>Two reference implementations, each reproduced piece by piece (see the 13-gcn notebook): Kipf's TensorFlow code
 * (github.com/tkipf/gcn: no biases, L2 {@code 5e-4 * l2_loss(W1)} in the loss, Adam with TensorFlow's epsilon,
 * {@link #kipfEarlyStopping}) and PyTorch Geometric's {@code examples/gcn.py} ({@code GCNConv} layers with biases,
 * {@link #build(int, int, float, boolean)} with {@code useBias}; 200 epochs, the epoch of the best validation
 * accuracy).
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

    /**
     * Kipf and Welling's early stopping (their reference code, {@code gcn/train.py}): after each epoch, stop
     * when the validation loss is above the mean of the {@code window} epochs before it (checked from the
     * {@code window + 2}-th epoch on); the model of the epoch it stops at (or of the last epoch) is the one
     * evaluated. {@code window} is 10 in their code. Unlike picking the epoch of the best validation
     * <em>accuracy</em> (500 nodes: steps of 0.2 points, many ties, easily an early, lucky epoch), this reads a
     * smooth signal and leaves the model where the optimiser took it.
     *
     * @param window number of previous epochs averaged
     * @return the rule, on the history column {@code val_loss} (so set {@code Fit.validation(...)})
     */
    public static StopRule kipfEarlyStopping(int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1, got " + window);
        }
        return h -> {
            if (!h.columns().contains("val_loss")) {
                throw new IllegalArgumentException("kipfEarlyStopping reads val_loss: set Fit.validation(...)");
            }
            double[] v = h.values("val_loss");
            int last = v.length - 1;
            if (last <= window) { // Kipf: epoch > window (0-based)
                return false;
            }
            double mean = 0;
            for (int i = last - window; i < last; i++) {
                mean += v[i];
            }
            return v[last] > mean / window;
        };
    }

    // ------------------------------------------------------------------ the normalised adjacency

    /**
     * A sparse square matrix in COO form (row, column, value triples), used for {@code Â}.
     *
     * @param nodes  number of rows and columns
     * @param rows   row of each stored entry
     * @param cols   column of each stored entry
     * @param values value of each stored entry
     */
    public record Adjacency(int nodes, long[] rows, long[] cols, float[] values) {

        /** Checks the arrays. */
        public Adjacency {
            if (rows.length != cols.length || rows.length != values.length) {
                throw new IllegalArgumentException("rows, cols and values must have the same length, got "
                        + rows.length + ", " + cols.length + ", " + values.length);
            }
        }

        /**
         * The renormalised adjacency of Kipf and Welling: {@code Â = D̃^-1/2 (A + I) D̃^-1/2}, where
         * {@code D̃_ii = 1 + degree(i)}; so {@code Â_ij = 1 / sqrt(d̃_i d̃_j)} for each edge and self-loop.
         *
         * @param nodes  number of nodes
         * @param source one endpoint of each undirected edge
         * @param target the other endpoint (each edge once; both directions are stored)
         * @throws IllegalArgumentException naming the edge, for an endpoint outside {@code 0..nodes-1}, a
         *     self-loop or a repeated edge
         */
        public static Adjacency normalized(int nodes, int[] source, int[] target) {
            if (source.length != target.length) {
                throw new IllegalArgumentException("source has " + source.length + " endpoints but target has "
                        + target.length);
            }
            int[] degree = new int[nodes];
            java.util.HashSet<Long> seen = new java.util.HashSet<>();
            for (int e = 0; e < source.length; e++) {
                int a = source[e];
                int b = target[e];
                if (a < 0 || a >= nodes || b < 0 || b >= nodes) {
                    throw new IllegalArgumentException("edge " + e + " (" + a + ", " + b + ") has an endpoint outside"
                            + " 0.." + (nodes - 1) + " (a dangling edge id)");
                }
                if (a == b) {
                    throw new IllegalArgumentException("edge " + e + " is a self-loop on node " + a
                            + "; pass the graph without self-loops (they are added here)");
                }
                if (!seen.add(((long) Math.min(a, b) << 32) | Math.max(a, b))) {
                    throw new IllegalArgumentException("edge " + e + " (" + a + ", " + b + ") is listed twice;"
                            + " pass each undirected edge once");
                }
                degree[a]++;
                degree[b]++;
            }
            int nnz = nodes + 2 * source.length;
            long[] r = new long[nnz];
            long[] c = new long[nnz];
            float[] v = new float[nnz];
            int k = 0;
            for (int i = 0; i < nodes; i++) {
                r[k] = i;
                c[k] = i;
                v[k++] = (float) (1.0 / (1 + degree[i]));
            }
            for (int e = 0; e < source.length; e++) {
                float w = (float) (1.0 / Math.sqrt((1.0 + degree[source[e]]) * (1.0 + degree[target[e]])));
                r[k] = source[e];
                c[k] = target[e];
                v[k++] = w;
                r[k] = target[e];
                c[k] = source[e];
                v[k++] = w;
            }
            return new Adjacency(nodes, r, c, v);
        }

        /** @return the identity matrix: no neighbours, so a GCN on it is an MLP on each node alone */
        public static Adjacency identity(int nodes) {
            long[] r = new long[nodes];
            float[] v = new float[nodes];
            for (int i = 0; i < nodes; i++) {
                r[i] = i;
                v[i] = 1f;
            }
            return new Adjacency(nodes, r, r.clone(), v);
        }

        /** @return number of stored entries */
        public int nonZeros() {
            return values.length;
        }

        /**
         * @return a sparse COO NDArray of shape (nodes, nodes) in {@code manager}, owning its memory
         *
         * <p>DJL 0.35.1's {@code createCoo} builds the sparse tensor on top of two temporary arrays that wrap Java
         * direct buffers, then closes them: the sparse tensor keeps pointing into memory the JVM frees at its next
         * garbage collection (seen here as "index out of row bound: 139938288896080"). So the tensor is cloned at
         * once into PyTorch-owned memory, and the clone is checked against the row sums computed in Java.
         */
        public NDArray toSparse(NDManager manager) {
            NDArray owned;
            try (NDManager tmp = manager.newSubManager()) {
                NDArray raw = tmp.createCoo(FloatBuffer.wrap(values), new long[][] {rows, cols}, new Shape(nodes, nodes));
                owned = raw.duplicate();
                owned.attach(manager);
            }
            double[] expected = new double[nodes];
            for (int k = 0; k < values.length; k++) {
                expected[(int) rows[k]] += values[k];
            }
            try (NDManager tmp = manager.newSubManager()) {
                owned.tempAttach(tmp); // the check's result lands in tmp; owned returns to manager afterwards
                float[] got = owned.matMul(tmp.ones(new Shape(nodes, 1))).toFloatArray();
                for (int i = 0; i < nodes; i++) {
                    if (Math.abs(got[i] - expected[i]) > 1e-4 * Math.max(1, Math.abs(expected[i]))) {
                        throw new IllegalStateException("the sparse adjacency built by DJL is corrupt at row " + i
                                + " (row sum " + got[i] + ", expected " + expected[i] + ")");
                    }
                }
            }
            return owned;
        }

        /** @return the same matrix as a dense NDArray (for checks on small graphs) */
        public NDArray toDense(NDManager manager) {
            return manager.create(dense(), new Shape(nodes, nodes));
        }

        /** @return the matrix as a dense row-major array (for checks on small graphs) */
        public float[] dense() {
            float[] d = new float[Math.multiplyExact(nodes, nodes)];
            for (int k = 0; k < values.length; k++) {
                d[(int) (rows[k] * nodes + cols[k])] += values[k];
            }
            return d;
        }
    }

    // ------------------------------------------------------------------ one layer

    /**
     * One graph convolution {@code Â (H W)} (+ b): inputs {@code [H (n, in), Â (n, n)]}, output {@code (n, units)}.
     * {@code Â} may be sparse (COO) or dense; the sparse product is the main path. The weight starts
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
        public java.util.Optional<Parameter> bias() {
            return java.util.Optional.ofNullable(bias);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            requireInputs(inputs, 2, "[features (n, in), adjacency (n, n)]");
            NDArray h = inputs.get(0);
            NDArray adj = inputs.get(1);
            NDArray w = ps.getValue(weight, h.getDevice(), training);
            NDArray out = adj.matMul(h.matMul(w));
            if (bias != null) {
                out = out.add(ps.getValue(bias, h.getDevice(), training));
            }
            return new NDList(out);
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
     * int64 node indices {@code (k)}, the logits of those nodes only {@code (k, classes)}.
     */
    public static final class Net extends AbstractBlock {

        private final Dropout inputDropout;
        private final GraphConv conv1;
        private final Dropout hiddenDropout;
        private final GraphConv conv2;
        private final int classes;

        Net(int hidden, int classes, float dropout, boolean useBias) {
            if (classes < 1) {
                throw new IllegalArgumentException("classes must be at least 1, got " + classes);
            }
            if (dropout < 0 || dropout >= 1) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            this.classes = classes;
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
            NDArray h = inputDropout.forward(ps, new NDList(x), training).head();
            return Activation.relu(conv1.forward(ps, new NDList(h, adj), training).head());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            requireInputs(inputs, 2, "[features (n, f), adjacency (n, n)] or [features, adjacency, node indices]");
            NDArray adj = inputs.get(1);
            NDArray h = hidden(ps, inputs.get(0), adj, training);
            h = hiddenDropout.forward(ps, new NDList(h), training).head();
            NDArray logits = conv2.forward(ps, new NDList(h, adj), training).head();
            if (inputs.size() > 2) {
                logits = logits.get(inputs.get(2));
            }
            return new NDList(logits);
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

    // ------------------------------------------------------------------ full-batch data

    /**
     * The whole graph as one batch per epoch: data {@code [X (n, f), Â sparse (n, n), node indices (k) int64]},
     * labels {@code (k)} of those nodes. X and Â are constant: they are made once (see {@link #graphInputs()});
     * each batch's own sub-manager holds only its index and label arrays, freed when the batch is closed.
     */
    public static final class FullGraph implements BatchSource, AutoCloseable {

        private final float[] features;
        private final int nodes;
        private final int featureCount;
        private final Adjacency adjacency;
        private final long[] index;
        private final float[] labels;
        private final Shared shared;

        /** X and Â as NDArrays, made once and shared by every split of the same graph. */
        private static final class Shared {
            NDManager manager;
            NDArray x;
            NDArray adj;
        }

        /**
         * @param features     node features, node after node ({@code nodes * featureCount} values)
         * @param featureCount features per node
         * @param adjacency    the propagation matrix (e.g. {@link Adjacency#normalized})
         * @param nodeIndex    the nodes whose loss/accuracy count (a split)
         * @param labels       class of every node (length {@code nodes})
         */
        public FullGraph(float[] features, int featureCount, Adjacency adjacency, int[] nodeIndex, int[] labels) {
            this(features, featureCount, adjacency, nodeIndex, labels, new Shared());
        }

        private FullGraph(float[] features, int featureCount, Adjacency adjacency, int[] nodeIndex, int[] labels,
                          Shared shared) {
            this.shared = shared;
            if (featureCount < 1 || features.length % featureCount != 0) {
                throw new IllegalArgumentException("features has " + features.length
                        + " values, not a multiple of featureCount " + featureCount);
            }
            this.nodes = features.length / featureCount;
            if (adjacency.nodes() != nodes) {
                throw new IllegalArgumentException("adjacency has " + adjacency.nodes() + " nodes but features has "
                        + nodes + " rows of " + featureCount + "; build both from the same graph");
            }
            if (labels.length != nodes) {
                throw new IllegalArgumentException("labels has " + labels.length + " entries, expected one per node ("
                        + nodes + ")");
            }
            if (nodeIndex.length == 0) {
                throw new IllegalArgumentException("nodeIndex is empty: pass the nodes of a split");
            }
            this.features = features;
            this.featureCount = featureCount;
            this.adjacency = adjacency;
            this.index = new long[nodeIndex.length];
            this.labels = new float[nodeIndex.length];
            for (int i = 0; i < nodeIndex.length; i++) {
                int v = nodeIndex[i];
                if (v < 0 || v >= nodes) {
                    throw new IllegalArgumentException("nodeIndex[" + i + "] = " + v + " is outside 0.." + (nodes - 1));
                }
                index[i] = v;
                this.labels[i] = labels[v];
            }
        }

        /** @return the same graph with another split (e.g. validation or test nodes) */
        public FullGraph forNodes(int[] nodeIndex, int[] allLabels) {
            return new FullGraph(features, featureCount, adjacency, nodeIndex, allLabels, shared);
        }

        /** @return the class labels of this split's nodes, in order */
        public int[] labelsOfNodes() {
            int[] out = new int[labels.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = (int) labels[i];
            }
            return out;
        }

        /** @return the propagation matrix */
        public Adjacency adjacency() {
            return adjacency;
        }

        /** @return the node indices of this split (a copy) */
        public int[] nodeIndex() {
            return Arrays.stream(index).mapToInt(l -> (int) l).toArray();
        }

        /**
         * @return {@code [X, Â]} for all nodes. They are made once, on first use, in this graph's own manager
         *     (shared by {@link #forNodes} copies) and are constant; {@link #close()} frees them. Before computing
         *     with them, {@code tempAttach} them to a scoped manager (as the batches do), so that the results
         *     land there and not in this long-lived manager.
         */
        public synchronized NDList graphInputs() {
            if (shared.manager == null) {
                shared.manager = NDManager.newBaseManager();
                shared.x = shared.manager.create(FloatBuffer.wrap(features), new Shape(nodes, featureCount));
                shared.adj = adjacency.toSparse(shared.manager);
            }
            return new NDList(shared.x, shared.adj);
        }

        /** Frees the arrays of {@link #graphInputs()} (of this graph and its {@link #forNodes} copies). */
        @Override
        public synchronized void close() {
            if (shared.manager != null) {
                shared.manager.close();
                shared.manager = null;
            }
        }

        @Override
        public Iterable<Batch> batches(NDManager manager, int epoch) {
            return () -> new Iterator<>() {
                private boolean done;

                @Override
                public boolean hasNext() {
                    return !done;
                }

                @Override
                public Batch next() {
                    if (done) {
                        throw new NoSuchElementException();
                    }
                    done = true;
                    NDManager bm = manager.newSubManager(); // owns this batch's index and labels
                    NDList data = graphInputs();
                    data.tempAttach(bm); // results computed from X and Â land in bm; X and Â go back when it closes
                    data.add(bm.create(index));
                    NDList lab = new NDList(bm.create(labels));
                    return new Batch(bm, data, lab, index.length, Batchifier.STACK, Batchifier.STACK, 0, 1);
                }
            };
        }

        @Override
        public int batchCount() {
            return 1;
        }

        @Override
        public Shape[] inputShapes() {
            return new Shape[] {new Shape(nodes, featureCount), new Shape(nodes, nodes), new Shape(index.length)};
        }
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

    /** @return the weights of the first layer, for a weight-decay term (after initialisation) */
    public static List<Parameter> firstLayerWeights(Model model) {
        if (!(model.getBlock() instanceof Net net)) {
            throw new IllegalArgumentException("the model's block is not a Gcn.Net");
        }
        return List.of(net.firstLayer().weight());
    }
}
