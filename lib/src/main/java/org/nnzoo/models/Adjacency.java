package org.nnzoo.models;

import java.util.HashSet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The propagation matrix of a graph convolution ({@link Gcn}): a sparse square matrix in COO form (row, column,
 * value triples), built in Java and handed to DJL as one sparse NDArray ({@link #toSparse}).
 *
 * <p>{@link #normalized} builds Kipf and Welling's renormalised adjacency {@code Â = D̃^-1/2 (A + I) D̃^-1/2}
 * from an edge list, checking the edges; {@link #identity} is the graph without edges (a GCN on it is an MLP
 * on each node alone, the baseline the graph has to beat). {@link #dense} and {@link #toDense} are for checks
 * on small graphs.
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
        HashSet<Long> seen = new HashSet<>();
        // excerpt-begin: normalized
        int[] degree = new int[nodes];
        for (int e = 0; e < source.length; e++) {
            int a = source[e];
            int b = target[e];
            // excerpt-skip: reject endpoints outside 0..nodes-1, self-loops and repeated edges
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
            // excerpt-resume
            degree[a]++;
            degree[b]++;
        }
        int nnz = nodes + 2 * source.length;
        long[] r = new long[nnz];
        long[] c = new long[nnz];
        float[] v = new float[nnz];
        int k = 0;
        for (int i = 0; i < nodes; i++) {                  // the self-loops of A + I:
            r[k] = i;
            c[k] = i;
            v[k++] = (float) (1.0 / (1 + degree[i]));        // Â_ii = 1 / d̃_i, d̃_i = 1 + degree(i)
        }
        for (int e = 0; e < source.length; e++) {          // each edge, in both directions:
            float w = (float) (1.0 / Math.sqrt((1.0 + degree[source[e]]) * (1.0 + degree[target[e]])));
            r[k] = source[e];
            c[k] = target[e];
            v[k++] = w;                                      // Â_ij = 1 / sqrt(d̃_i d̃_j)
            r[k] = target[e];
            c[k] = source[e];
            v[k++] = w;                                      // Â_ji = Â_ij
        }
        return new Adjacency(nodes, r, c, v);
        // excerpt-end: normalized
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
     *     ({@link SparseCoo#of})
     */
    public NDArray toSparse(NDManager manager) {
        return SparseCoo.of(manager, rows, cols, values, nodes, nodes);
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
