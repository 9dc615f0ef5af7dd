package org.nnzoo.models.ndp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The growing network of an NDP: an undirected graph whose nodes carry a state vector and whose edges carry a
 * weight (one weight per edge, the same in both directions, as in Najarro et al.'s undirected networkx graph).
 * Nodes are numbered in the order they were born; node 0 is the first cell. The first cell has a self-loop
 * (Najarro et al.'s one-node initial graph has its one entry set), no other node has one.
 *
 * <p>Dense arrays of a fixed capacity: the graphs have at most a few dozen nodes.
 */
public final class DevGraph {

    private final int dim;
    private final int capacity;
    private final double[][] state;
    private final double[][] weight;
    private final boolean[][] adj;
    private final int[] parent;
    private final int[] born;
    private int n;

    /**
     * @param dim      length of a node's state vector
     * @param capacity the most nodes the graph may hold
     */
    public DevGraph(int dim, int capacity) {
        if (dim < 1 || capacity < 1) {
            throw new IllegalArgumentException("dim and capacity must be positive, got " + dim + " and " + capacity);
        }
        this.dim = dim;
        this.capacity = capacity;
        state = new double[capacity][dim];
        weight = new double[capacity][capacity];
        adj = new boolean[capacity][capacity];
        parent = new int[capacity];
        born = new int[capacity];
    }

    /**
     * Adds a node.
     *
     * @param s      its state (copied)
     * @param parent the node it replicated from, -1 for the first cell
     * @param step   the developmental step in which it was born
     * @return its index
     */
    public int addNode(double[] s, int parent, int step) {
        if (n == capacity) {
            throw new IllegalStateException("the graph is full (" + capacity + " nodes)");
        }
        if (s.length != dim) {
            throw new IllegalArgumentException("a node state has " + dim + " values, got " + s.length);
        }
        System.arraycopy(s, 0, state[n], 0, dim);
        this.parent[n] = parent;
        born[n] = step;
        return n++;
    }

    /** Connects i and j (both directions) with weight w; i == j makes a self-loop. */
    public void connect(int i, int j, double w) {
        check(i);
        check(j);
        adj[i][j] = true;
        adj[j][i] = true;
        weight[i][j] = w;
        weight[j][i] = w;
    }

    /** Sets the weight of an existing edge (both directions). */
    public void setWeight(int i, int j, double w) {
        if (!adj[i][j]) {
            throw new IllegalArgumentException("no edge between " + i + " and " + j);
        }
        weight[i][j] = w;
        weight[j][i] = w;
    }

    private void check(int i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException("node " + i + " of a graph with " + n + " nodes");
        }
    }

    /** @return number of nodes */
    public int size() {
        return n;
    }

    /** @return the most nodes this graph may hold */
    public int capacity() {
        return capacity;
    }

    /** @return length of a node's state */
    public int dim() {
        return dim;
    }

    /** @return node i's state (the live array: read only) */
    public double[] state(int i) {
        check(i);
        return state[i];
    }

    /** @return true when i and j are joined */
    public boolean hasEdge(int i, int j) {
        return adj[i][j];
    }

    /** @return the weight of edge (i, j), 0 when there is none */
    public double weight(int i, int j) {
        return weight[i][j];
    }

    /** @return the node i replicated from, -1 for the first cell */
    public int parent(int i) {
        check(i);
        return parent[i];
    }

    /** @return the developmental step in which node i was born (0 for the first cell) */
    public int born(int i) {
        check(i);
        return born[i];
    }

    /** @return the neighbours of i in increasing order (i itself when it has a self-loop) */
    public int[] neighbours(int i) {
        check(i);
        int[] out = new int[n];
        int k = 0;
        for (int j = 0; j < n; j++) {
            if (adj[i][j]) {
                out[k++] = j;
            }
        }
        return Arrays.copyOf(out, k);
    }

    /** @return the edges as pairs {i, j} with i &lt;= j, ordered by i then j (self-loops included) */
    public List<int[]> edges() {
        List<int[]> e = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                if (adj[i][j]) {
                    e.add(new int[] {i, j});
                }
            }
        }
        return e;
    }

    /** @return number of edges (self-loops count once) */
    public int edgeCount() {
        return edges().size();
    }

    /** @return the hop distances from node s (-1 for nodes it cannot reach) */
    public int[] distances(int s) {
        check(s);
        int[] dist = new int[n];
        Arrays.fill(dist, -1);
        dist[s] = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(s);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (int v = 0; v < n; v++) {
                if (adj[u][v] && dist[v] < 0) {
                    dist[v] = dist[u] + 1;
                    queue.add(v);
                }
            }
        }
        return dist;
    }

    /** @return true when every node can reach every other */
    public boolean connected() {
        if (n == 0) {
            return true;
        }
        for (int d : distances(0)) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the diameter (the longest shortest path, in hops); 0 for one node
     * @throws IllegalStateException when the graph is not connected (it always is when grown by {@link Ndp})
     */
    public int diameter() {
        int diameter = 0;
        for (int s = 0; s < n; s++) {
            for (int d : distances(s)) {
                if (d < 0) {
                    throw new IllegalStateException("the graph is not connected: no diameter");
                }
                diameter = Math.max(diameter, d);
            }
        }
        return diameter;
    }

    /** @return a deep copy */
    public DevGraph copy() {
        DevGraph g = new DevGraph(dim, capacity);
        g.n = n;
        for (int i = 0; i < n; i++) {
            System.arraycopy(state[i], 0, g.state[i], 0, dim);
            System.arraycopy(weight[i], 0, g.weight[i], 0, n);
            System.arraycopy(adj[i], 0, g.adj[i], 0, n);
        }
        System.arraycopy(parent, 0, g.parent, 0, n);
        System.arraycopy(born, 0, g.born, 0, n);
        return g;
    }

    /** @return a copy of node i's state */
    double[] stateCopy(int i) {
        return state[i].clone();
    }

    /** Overwrites every node's state (rows of s, one per node). */
    void setStates(double[][] s) {
        for (int i = 0; i < n; i++) {
            System.arraycopy(s[i], 0, state[i], 0, dim);
        }
    }

    @Override
    public String toString() {
        return "DevGraph(" + n + " nodes, " + edgeCount() + " edges)";
    }
}
