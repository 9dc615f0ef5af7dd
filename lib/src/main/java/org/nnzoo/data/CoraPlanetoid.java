package org.nnzoo.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.IntUnaryOperator;

/**
 * Reads Cora's Planetoid files ({@code ind.cora.x}, {@code y}, {@code tx}, {@code ty}, {@code allx},
 * {@code ally}, {@code graph}, {@code test.index}: Python 2 pickles of numpy arrays, scipy CSR matrices and a
 * {@code defaultdict(list)}, read by {@link Pickle} without running any code) into a {@link Cora} with the
 * standard split, as Kipf's {@code load_data} builds it. Every inconsistency between the files is an error
 * that names them.
 */
final class CoraPlanetoid {

    private CoraPlanetoid() {
    }

    /**
     * Reads the eight files, without checking the standard counts.
     *
     * @throws DataException naming the file and the problem, if a file is truncated or the files disagree
     */
    static Cora read(Path xFile, Path yFile, Path txFile, Path tyFile, Path allxFile, Path allyFile,
                     Path graphFile, Path testIndexFile) {
        PickledArrays.Csr x = PickledArrays.csr(Pickle.load(xFile), xFile.toString());
        int[] y = oneHotToClasses(PickledArrays.ndarray(Pickle.load(yFile), yFile.toString()), yFile);
        PickledArrays.Csr tx = PickledArrays.csr(Pickle.load(txFile), txFile.toString());
        int[] ty = oneHotToClasses(PickledArrays.ndarray(Pickle.load(tyFile), tyFile.toString()), tyFile);
        PickledArrays.Csr allx = PickledArrays.csr(Pickle.load(allxFile), allxFile.toString());
        int[] ally = oneHotToClasses(PickledArrays.ndarray(Pickle.load(allyFile), allyFile.toString()), allyFile);
        int[] testIndex = readTestIndex(testIndexFile);

        requireRows(xFile, x.rows(), yFile, y.length);
        requireRows(allxFile, allx.rows(), allyFile, ally.length);
        requireRows(txFile, tx.rows(), tyFile, ty.length);
        requireRows(txFile, tx.rows(), testIndexFile, testIndex.length);
        if (x.cols() != allx.cols() || tx.cols() != allx.cols()) {
            throw new DataException("The Planetoid feature files disagree on the number of features: " + xFile + " has "
                    + x.cols() + ", " + txFile + " " + tx.cols() + ", " + allxFile + " " + allx.cols()
                    + ". They come from different data sets; use the eight files of one release.");
        }
        if (x.rows() > allx.rows()) {
            throw new DataException(xFile + " has " + x.rows() + " rows but " + allxFile + " only " + allx.rows()
                    + " (x must be the first rows of allx).");
        }
        int n = allx.rows() + tx.rows();
        int f = allx.cols();
        // Kipf's load_data: features = vstack(allx, tx); features[test_idx_reorder] = features[sorted(test_idx)].
        // That is only well defined when test.index is a permutation of allx.rows .. n-1 (true for Cora).
        boolean[] seen = new boolean[n];
        for (int i = 0; i < testIndex.length; i++) {
            int t = testIndex[i];
            if (t < allx.rows() || t >= n || seen[t]) {
                throw new DataException(testIndexFile + " line " + (i + 1) + ": test node " + t + " is "
                        + (t >= allx.rows() && t < n ? "listed twice" : "outside " + allx.rows() + ".." + (n - 1))
                        + "; the test indices must be the nodes after allx's " + allx.rows() + " rows, each once.");
            }
            seen[t] = true;
        }
        float[] feat = new float[denseSize(n, f, allxFile)];
        int[] lab = new int[n];
        fillDense(allx, feat, f, i -> i);
        System.arraycopy(ally, 0, lab, 0, ally.length);
        fillDense(tx, feat, f, i -> testIndex[i]);
        for (int i = 0; i < testIndex.length; i++) {
            lab[testIndex[i]] = ty[i];
        }
        Cora.rowNormalise(feat, n, f);

        int[][] edges = readGraph(graphFile, n);
        int[] trainIdx = Cora.range(0, x.rows());
        int valEnd = Math.min(x.rows() + 500, allx.rows());
        int[] valIdx = Cora.range(x.rows(), valEnd);
        int[] testIdx = testIndex.clone();
        Arrays.sort(testIdx);
        return new Cora("planetoid", n, f, feat, lab, edges, trainIdx, valIdx, testIdx);
    }

    private static int[] oneHotToClasses(PickledArrays.NdArray a, Path file) {
        if (a.shape().length != 2) {
            throw new DataException(file + " holds an array of shape " + Arrays.toString(a.shape())
                    + "; expected (nodes, classes) one-hot labels.");
        }
        int n = (int) a.shape()[0];
        int k = (int) a.shape()[1];
        if (k < 1) {
            throw new DataException(file + " holds labels of shape " + Arrays.toString(a.shape())
                    + ", with no class column; expected (nodes, classes) one-hot labels.");
        }
        int[] v = a.ints(file.toString());
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int cls = -1;
            for (int j = 0; j < k; j++) {
                int e = v[i * k + j];
                if (e == 1 && cls < 0) {
                    cls = j;
                } else if (e != 0) {
                    cls = -2;
                    break;
                }
            }
            if (cls < 0) {
                throw new DataException(file + " row " + i + " is not one-hot (" + Arrays.toString(
                        Arrays.copyOfRange(v, i * k, i * k + k)) + "): every node needs exactly one class.");
            }
            out[i] = cls;
        }
        return out;
    }

    private static int[] readTestIndex(Path file) {
        List<String> lines = Cora.readLines(file);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String s = lines.get(i).trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                out.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new DataException(file + " line " + (i + 1) + " is '" + s + "', not a node index.", e);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[][] readGraph(Path file, int n) {
        Object g = Pickle.load(file);
        if (!(g instanceof Pickle.PyObject p) || !p.global.name().equals("defaultdict")) {
            throw new DataException(file + " is not a pickled defaultdict(list) adjacency list (got "
                    + Pickle.describe(g) + ")");
        }
        TreeSet<Long> pairs = new TreeSet<>();
        for (Map.Entry<Object, Object> e : p.items.entrySet()) {
            int a = nodeId(e.getKey(), n, file, null);
            if (!(e.getValue() instanceof List<?> nbrs)) {
                throw new DataException(file + ": the neighbours of node " + a + " are not a list");
            }
            for (Object o : nbrs) {
                Cora.addUndirected(pairs, a, nodeId(o, n, file, a));
            }
        }
        return Cora.unpack(pairs);
    }

    private static int nodeId(Object o, int n, Path file, Integer from) {
        if (!(o instanceof Long l) || l < 0 || l >= n) {
            throw new DataException(file + ": " + (from == null ? "node " : "edge " + from + " -> ") + Pickle.describe(o)
                    + " is a dangling edge id: the features have nodes 0.." + (n - 1)
                    + ". The graph and feature files must come from the same release.");
        }
        return (int) (long) l;
    }

    private static void fillDense(PickledArrays.Csr m, float[] dst, int f, IntUnaryOperator rowTo) {
        for (int i = 0; i < m.rows(); i++) {
            int base = rowTo.applyAsInt(i) * f;
            for (int k = m.indptr()[i]; k < m.indptr()[i + 1]; k++) {
                dst[base + m.indices()[k]] = m.data()[k];
            }
        }
    }

    /**
     * @return {@code nodes * features}, the size of the dense feature matrix
     * @throws DataException if that exceeds {@link Cora#MAX_DENSE_VALUES} (a damaged {@code _shape} can declare
     *     any number of features without storing any)
     */
    private static int denseSize(int nodes, int features, Path file) {
        long values = (long) nodes * features;
        if (values > Cora.MAX_DENSE_VALUES) {
            throw new DataException(file + ": the CSR field _shape declares " + features + " features, so the "
                    + nodes + " nodes would need a dense matrix of " + values + " values (" + values * Float.BYTES / (1 << 20)
                    + " MiB), more than the " + Cora.MAX_DENSE_VALUES + " this reader allows. The file is damaged or not"
                    + " Cora's; replace it with a good copy (check its SHA-256).");
        }
        return (int) values;
    }

    private static void requireRows(Path a, int ra, Path b, int rb) {
        if (ra != rb) {
            throw new DataException("The Planetoid files disagree: " + a + " has " + ra + " rows but " + b + " has "
                    + rb + ". They come from different data sets; use the eight files of one release.");
        }
    }
}
