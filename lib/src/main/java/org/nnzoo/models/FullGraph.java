package org.nnzoo.models;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

import org.nnzoo.train.BatchSource;

/**
 * The whole graph as one batch per epoch: data {@code [X sparse (n, f), Â sparse (n, n), node indices (k) int64]},
 * labels {@code (k)} of those nodes. X and Â are constant: they are made once (see {@link #graphInputs()});
 * each batch's own sub-manager holds only its index and label arrays, freed when the batch is closed.
 *
 * <p>The data plumbing of full-batch training on one graph ({@link Gcn}): every epoch is one step over all
 * nodes, and a split (training, validation or test nodes) only decides whose logits and labels count. So
 * {@link org.nnzoo.train.Fit}'s loss and accuracy apply unchanged. {@link #forNodes} gives the other splits
 * of the same graph, sharing its arrays.
 */
public final class FullGraph implements BatchSource, AutoCloseable {

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
     * @return {@code [X, Â]} for all nodes, both sparse COO matrices: X holds the non-zero features only, so that
     *     the first layer's dropout and product touch only those, as in Kipf and Welling's code (meant for sparse
     *     features such as a bag of words; dense features work too, at about five times the memory of a dense
     *     array). They are made once, on first use, in this graph's own manager (shared by {@link #forNodes}
     *     copies) and are constant; {@link #close()} frees them. Before computing with them, {@code tempAttach}
     *     them to a scoped manager (as the batches do), so that the results land there and not in this long-lived
     *     manager.
     */
    public synchronized NDList graphInputs() {
        if (shared.manager == null) {
            shared.manager = NDManager.newBaseManager();
            shared.x = SparseCoo.fromDense(shared.manager, features, nodes, featureCount); // Cora: 1.3 % stored
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
