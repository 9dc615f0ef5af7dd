package org.nnzoo.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Cora, the citation graph of 2708 machine-learning papers (nodes), 5278 undirected citation links
 * (edges), a 1433-word binary bag of words per paper (features) and 7 subject classes; the standard
 * benchmark for semi-supervised node classification.
 *
 * <p>A. McCallum, K. Nigam, J. Rennie, K. Seymore, "Automating the construction of Internet portals with
 * machine learning", Information Retrieval 3, 2000 (the collection); P. Sen et al., "Collective
 * classification in network data", AI Magazine 29(3), 2008 (the LINQS release); Z. Yang, W. Cohen,
 * R. Salakhutdinov, "Revisiting semi-supervised learning with graph embeddings", ICML 2016 (the Planetoid
 * split used by Kipf and Welling's GCN).
 *
 * <p>Two formats are read:
 * <ul>
 *   <li>{@link #planetoid()}: the {@code ind.cora.*} files (Python 2 pickles, read by a small built-in
 *       parser), with the <b>standard split</b>: train = nodes 0..139 (20 per class), validation = 140..639,
 *       test = the 1000 nodes of {@code ind.cora.test.index}, after the same test-row reordering as Kipf's
 *       {@code load_data}.</li>
 *   <li>{@link #linqs()}: the original {@code cora.content} / {@code cora.cites} text files; they have no
 *       standard split, so a seeded split of the same sizes (20 per class, 500, 1000) is drawn.</li>
 * </ul>
 * Features are row-normalised (each row divided by its sum), as in the reference implementations. Class
 * indices follow the Planetoid one-hot columns ({@link #CLASS_NAMES}) in both formats.
 *
 * <p>Files are found with a {@link DataLocator} in {@code DataHome/cora/}, {@code DataHome/cora/linqs/},
 * {@code DataHome/cora/planetoid/} (the layout of the project's shared data folder) or downloaded from
 * pinned commits of tkipf/pygcn and kimiyoung/planetoid, and checked against their SHA-256.
 */
public final class Cora {

    /** Papers in Cora. */
    public static final int NODES = 2708;
    /** Words in the bag-of-words vocabulary. */
    public static final int FEATURES = 1433;
    /** Subject classes. */
    public static final int CLASSES = 7;
    /** Distinct undirected citation links (5429 directed citations, 151 of them mutual). */
    public static final int UNDIRECTED_EDGES = 5278;

    /** Class names in the order of the Planetoid one-hot columns (inferred from the class totals). */
    public static final List<String> CLASS_NAMES = List.of("Theory", "Reinforcement_Learning",
            "Genetic_Algorithms", "Neural_Networks", "Probabilistic_Methods", "Case_Based", "Rule_Learning");

    private static final String PYGCN = "https://raw.githubusercontent.com/tkipf/pygcn/"
            + "1600b5b748b3976413d1e307540ccc62605b4d6d/data/cora/";
    private static final String PLANETOID = "https://raw.githubusercontent.com/kimiyoung/planetoid/"
            + "af6abf468a772cc055bec88c52e4d6f51b7c37e3/data/";
    private static final String KIPF_GCN = "https://raw.githubusercontent.com/tkipf/gcn/"
            + "39a4089fe72ad9f055ed6fdb9746abdcfebc4d81/gcn/data/";

    /** The LINQS files: cora.content, cora.cites. */
    public static final List<RemoteFile> LINQS_FILES = List.of(
            new RemoteFile("cora.content", List.of(PYGCN + "cora.content"),
                    "b8ebed0fd45e53995abafd1b70cf6a9fcc8f86abc5826d69b97fe6ca46e9c8ee", 7_823_427),
            new RemoteFile("cora.cites", List.of(PYGCN + "cora.cites"),
                    "ec1a372391b7f0f60a6aff0084e8abd8f19f0faa7e1f2441a41c492042d5945e", 69_928));

    /** The Planetoid files, in the order x, y, tx, ty, allx, ally, graph, test.index. */
    public static final List<RemoteFile> PLANETOID_FILES = List.of(
            planetoidFile("x", 22_119, "23cfa55d91c6f624233f5eb7b6e3f141f1bd2b2ae39608a63cf5d084bb27baab"),
            planetoidFile("y", 4_054, "94465c14eb53e04ca262198dcbb2521ee8af60fb3f3d546cd6ca24a511b0e7d1"),
            planetoidFile("tx", 148_025, "b9afbaa4a400df991f6f02ef677e1e44da55ffc04801fd02f9e673987829226a"),
            planetoidFile("ty", 28_135, "41f5ac76596a1699cc33f53084a2419e92961c42bb75f36fc38e616d348532ad"),
            planetoidFile("allx", 257_305, "9419ba2f26f5c35243db64aba110e0f35a04851609e0dc5433450676ca6b8543"),
            planetoidFile("ally", 47_959, "2b998f5cc7fedc86e7f97ca2498f47a1ffc1462c29e2d578b23bf3f62b6e7d71"),
            planetoidFile("graph", 59_847, "58f13302f39dde8852dad6fe6d15b89b077b6d7f837626bce671ef80344b383d"),
            planetoidFile("test.index", 5_000, "297ce89af2b51a6a194181c7dbe1796c6a1cf9cd9349a88383b1b1e227867875"));

    /** The most feature values held densely: 512 MiB of floats (Cora itself has 2708 x 1433, 3.9 million). */
    static final int MAX_DENSE_VALUES = 1 << 27;
    /** The largest text file read (cora.content has 7.8 MB). */
    private static final int MAX_TEXT_BYTES = 64 << 20;

    private final String source;
    private final int nodes;
    private final int featureCount;
    private final float[] features;
    private final int[] labels;
    private final int[] edgeSource;
    private final int[] edgeTarget;
    private final int[] train;
    private final int[] val;
    private final int[] test;

    private Cora(String source, int nodes, int featureCount, float[] features, int[] labels, int[][] edges,
                 int[] train, int[] val, int[] test) {
        this.source = source;
        this.nodes = nodes;
        this.featureCount = featureCount;
        this.features = features;
        this.labels = labels;
        this.edgeSource = edges[0];
        this.edgeTarget = edges[1];
        this.train = train;
        this.val = val;
        this.test = test;
    }

    // ------------------------------------------------------------------ loading

    /** @return Cora with the standard Planetoid split, from the data home (or downloaded), validated */
    public static Cora planetoid() {
        return planetoid(new DataLocator());
    }

    /** @param locator finds, verifies and if needed downloads the files */
    public static Cora planetoid(DataLocator locator) {
        List<Path> p = locator.locate("cora", PLANETOID_FILES, extraDirs());
        return readPlanetoid(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7))
                .requireStandard();
    }

    /** @return Cora from the LINQS text files with a seeded 20-per-class / 500 / 1000 split (seed 0), validated */
    public static Cora linqs() {
        return linqs(new DataLocator());
    }

    /** @param locator finds, verifies and if needed downloads the files */
    public static Cora linqs(DataLocator locator) {
        List<Path> p = locator.locate("cora", LINQS_FILES, extraDirs());
        Cora c = readLinqs(p.get(0), p.get(1));
        c.requireGraphCounts();
        return c.withRandomSplit(20, 500, 1000, 0).requireStandard();
    }

    private static List<Path> extraDirs() {
        Path home = DataHome.dir().resolve("cora");
        return List.of(home.resolve("linqs"), home.resolve("planetoid"));
    }

    private static RemoteFile planetoidFile(String part, long size, String sha) {
        String name = "ind.cora." + part;
        return new RemoteFile(name, List.of(PLANETOID + name, KIPF_GCN + name), sha, size);
    }

    /**
     * Reads the Planetoid files of a folder ({@code ind.cora.x}, ...), without checking the standard counts.
     *
     * @throws DataException naming the file and the problem, if a file is missing, truncated or inconsistent
     */
    public static Cora readPlanetoid(Path dir) {
        Path[] f = PLANETOID_FILES.stream().map(r -> dir.resolve(r.fileName())).toArray(Path[]::new);
        for (Path p : f) {
            if (!Files.isRegularFile(p)) {
                throw new DataException("The Planetoid file " + p + " is missing. Put all eight ind.cora.* files"
                        + " in " + dir + " (see shared/datasets/cora/PROVENANCE.md).");
            }
        }
        return readPlanetoid(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
    }

    private static Cora readPlanetoid(Path xFile, Path yFile, Path txFile, Path tyFile, Path allxFile,
                                      Path allyFile, Path graphFile, Path testIndexFile) {
        Pickle.Csr x = Pickle.csr(Pickle.load(xFile), xFile.toString());
        int[] y = oneHotToClasses(Pickle.ndarray(Pickle.load(yFile), yFile.toString()), yFile);
        Pickle.Csr tx = Pickle.csr(Pickle.load(txFile), txFile.toString());
        int[] ty = oneHotToClasses(Pickle.ndarray(Pickle.load(tyFile), tyFile.toString()), tyFile);
        Pickle.Csr allx = Pickle.csr(Pickle.load(allxFile), allxFile.toString());
        int[] ally = oneHotToClasses(Pickle.ndarray(Pickle.load(allyFile), allyFile.toString()), allyFile);
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
        rowNormalise(feat, n, f);

        int[][] edges = readGraph(graphFile, n);
        int[] trainIdx = range(0, x.rows());
        int valEnd = Math.min(x.rows() + 500, allx.rows());
        int[] valIdx = range(x.rows(), valEnd);
        int[] testIdx = testIndex.clone();
        Arrays.sort(testIdx);
        return new Cora("planetoid", n, f, feat, lab, edges, trainIdx, valIdx, testIdx);
    }

    /**
     * Reads the LINQS text files, without checking the standard counts; the split is empty (see
     * {@link #withRandomSplit}).
     *
     * @param content {@code cora.content}: {@code <paper id> <1433 binary values> <class>} per line, tab-separated
     * @param cites   {@code cora.cites}: {@code <cited id> <citing id>} per line
     * @throws DataException naming the file and line, for a malformed line, an unknown class, a duplicate
     *     paper id or a citation of an id that is not in the content file
     */
    public static Cora readLinqs(Path content, Path cites) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labs = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        int fields = -1;
        List<String> contentLines = readLines(content);
        for (int no = 1; no <= contentLines.size(); no++) {
            String line = contentLines.get(no - 1);
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split("\t");
            if (fields < 0) {
                fields = parts.length;
                if (fields < 3) {
                    throw new DataException(content + " line 1 has " + fields + " tab-separated fields; expected"
                            + " <paper id>, the word features and <class>. Is this cora.content?");
                }
            } else if (parts.length != fields) {
                throw new DataException(content + " line " + no + " has " + parts.length + " fields but line 1 has "
                        + fields + " (" + (fields - 2) + " features): the feature rows do not match. The file is"
                        + " damaged or edited; replace it with the original cora.content.");
            }
            float[] row = new float[fields - 2];
            for (int j = 0; j < row.length; j++) {
                String v = parts[j + 1];
                if (v.equals("1")) {
                    row[j] = 1f;
                } else if (!v.equals("0")) {
                    throw new DataException(content + " line " + no + ", feature " + (j + 1) + " is '" + v
                            + "'; Cora's word features are 0 or 1.");
                }
            }
            int cls = CLASS_NAMES.indexOf(parts[fields - 1].trim());
            if (cls < 0) {
                throw new DataException(content + " line " + no + " has the unknown class '" + parts[fields - 1]
                        + "'; expected one of " + CLASS_NAMES);
            }
            if (ids.put(parts[0], rows.size()) != null) {
                throw new DataException(content + " line " + no + " repeats paper id " + parts[0]
                        + "; every paper must appear once.");
            }
            rows.add(row);
            labs.add(cls);
        }
        if (rows.isEmpty()) {
            throw new DataException(content + " holds no papers.");
        }
        int n = rows.size();
        int f = fields - 2;
        float[] feat = new float[n * f];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, feat, i * f, f);
            lab[i] = labs.get(i);
        }
        rowNormalise(feat, n, f);
        TreeSet<Long> pairs = new TreeSet<>();
        List<String> citesLines = readLines(cites);
        for (int no = 1; no <= citesLines.size(); no++) {
            String line = citesLines.get(no - 1);
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                throw new DataException(cites + " line " + no + " has " + parts.length
                        + " fields; expected <cited paper id> <citing paper id>.");
            }
            Integer a = ids.get(parts[0]);
            Integer b = ids.get(parts[1]);
            if (a == null || b == null) {
                throw new DataException(cites + " line " + no + " is a dangling edge: paper id "
                        + (a == null ? parts[0] : parts[1]) + " is not in " + content
                        + ". The two files must come from the same release.");
            }
            addUndirected(pairs, a, b);
        }
        return new Cora("linqs", n, f, feat, lab, unpack(pairs), new int[0], new int[0], new int[0]);
    }

    // ------------------------------------------------------------------ splits and checks

    /**
     * @param perClass training nodes per class
     * @param valSize  validation nodes
     * @param testSize test nodes
     * @param seed     seed of the shuffle
     * @return the same graph with a new split: {@code perClass} nodes of each class for training, then
     *     {@code valSize} and {@code testSize} of the remaining nodes, all drawn from one seeded shuffle
     */
    public Cora withRandomSplit(int perClass, int valSize, int testSize, long seed) {
        int[] order = range(0, nodes);
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = nodes - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int classes = classCount();
        int[] taken = new int[classes];
        List<Integer> tr = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int v : order) {
            if (taken[labels[v]] < perClass) {
                taken[labels[v]]++;
                tr.add(v);
            } else {
                rest.add(v);
            }
        }
        if (rest.size() < valSize + testSize) {
            throw new IllegalArgumentException("the graph has " + nodes + " nodes: too few for " + perClass
                    + " per class + " + valSize + " + " + testSize);
        }
        int[] va = rest.subList(0, valSize).stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] te = rest.subList(valSize, valSize + testSize).stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] trainIdx = tr.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Cora(source + " (random split, seed " + seed + ")", nodes, featureCount, features, labels,
                new int[][] {edgeSource, edgeTarget}, trainIdx, va, te);
    }

    /** Throws unless this is the full Cora graph (nodes, features, classes, undirected edges). */
    private void requireGraphCounts() {
        StringBuilder bad = new StringBuilder();
        check(bad, "nodes", nodes, NODES);
        check(bad, "features", featureCount, FEATURES);
        check(bad, "classes", classCount(), CLASSES);
        check(bad, "undirected edges", edgeCount(), UNDIRECTED_EDGES);
        if (bad.length() > 0) {
            throw new DataException("The " + source + " Cora files are not the standard Cora graph:" + bad
                    + ". Use the original files (see shared/datasets/cora/PROVENANCE.md for their SHA-256).");
        }
    }

    /**
     * @return this, after checking the standard counts: 2708 nodes, 1433 features, 7 classes, 5278 undirected
     *     edges, and a split of 140 training nodes (20 per class), 500 validation and 1000 test nodes
     * @throws DataException listing every count that differs
     */
    public Cora requireStandard() {
        requireGraphCounts();
        StringBuilder bad = new StringBuilder();
        check(bad, "training nodes", train.length, 140);
        check(bad, "validation nodes", val.length, 500);
        check(bad, "test nodes", test.length, 1000);
        int[] perClass = new int[CLASSES];
        for (int t : train) {
            perClass[labels[t]]++;
        }
        for (int c = 0; c < CLASSES; c++) {
            check(bad, "training nodes of class " + CLASS_NAMES.get(c), perClass[c], 20);
        }
        if (bad.length() > 0) {
            throw new DataException("The " + source + " Cora split is not the standard one:" + bad + ".");
        }
        return this;
    }

    private static void check(StringBuilder bad, String what, int actual, int expected) {
        if (actual != expected) {
            bad.append("\n  ").append(what).append(": ").append(actual).append(", expected ").append(expected);
        }
    }

    // ------------------------------------------------------------------ accessors

    /** @return "planetoid" or "linqs" (plus the split, if redrawn) */
    public String source() {
        return source;
    }

    /** @return number of nodes (papers) */
    public int nodes() {
        return nodes;
    }

    /** @return number of features per node */
    public int featureCount() {
        return featureCount;
    }

    /** @return number of classes (largest label + 1) */
    public int classCount() {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    /** @return the class names, indexed by label */
    public String[] classNames() {
        return CLASS_NAMES.toArray(new String[0]);
    }

    /** @return the row-normalised features, node after node ({@code nodes * featureCount} values; do not modify) */
    public float[] features() {
        return features;
    }

    /** @return the class of every node (a copy) */
    public int[] labels() {
        return labels.clone();
    }

    /** @return the classes of the given nodes */
    public int[] labels(int[] nodeIndex) {
        int[] out = new int[nodeIndex.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[nodeIndex[i]];
        }
        return out;
    }

    /** @return number of distinct undirected edges (no self-loops) */
    public int edgeCount() {
        return edgeSource.length;
    }

    /** @return the smaller endpoint of each undirected edge (a copy; sorted by source, then target) */
    public int[] edgeSource() {
        return edgeSource.clone();
    }

    /** @return the larger endpoint of each undirected edge (a copy) */
    public int[] edgeTarget() {
        return edgeTarget.clone();
    }

    /** @return the training nodes (a copy) */
    public int[] trainIndex() {
        return train.clone();
    }

    /** @return the validation nodes (a copy) */
    public int[] valIndex() {
        return val.clone();
    }

    /** @return the test nodes (a copy, sorted) */
    public int[] testIndex() {
        return test.clone();
    }

    /** @return the number of nodes of each class */
    public int[] classCounts() {
        int[] c = new int[classCount()];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }

    @Override
    public String toString() {
        return "Cora[" + source + ": " + nodes + " nodes, " + featureCount + " features, " + classCount()
                + " classes, " + edgeCount() + " undirected edges; split " + train.length + "/" + val.length + "/"
                + test.length + "]";
    }

    // ------------------------------------------------------------------ helpers

    private static int[] oneHotToClasses(Pickle.NdArray a, Path file) {
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

    /**
     * @return every line of an ASCII text file (Cora's are plain ASCII), blank ones included, so that
     *     index + 1 is the line number
     * @throws DataException naming the file, and the line of the first byte that is not ASCII
     */
    private static List<String> readLines(Path file) {
        byte[] bytes;
        try {
            bytes = BoundedRead.file(file, MAX_TEXT_BYTES);
        } catch (IOException e) {
            throw new DataException("Cannot read the Cora file " + file + ": " + e, e);
        }
        return StrictText.decode(bytes, StandardCharsets.US_ASCII, file.toString()).lines().toList();
    }

    private static int[] readTestIndex(Path file) {
        List<String> lines = readLines(file);
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
                addUndirected(pairs, a, nodeId(o, n, file, a));
            }
        }
        return unpack(pairs);
    }

    private static int nodeId(Object o, int n, Path file, Integer from) {
        if (!(o instanceof Long l) || l < 0 || l >= n) {
            throw new DataException(file + ": " + (from == null ? "node " : "edge " + from + " -> ") + Pickle.describe(o)
                    + " is a dangling edge id: the features have nodes 0.." + (n - 1)
                    + ". The graph and feature files must come from the same release.");
        }
        return (int) (long) l;
    }

    private static void addUndirected(TreeSet<Long> pairs, int a, int b) {
        if (a != b) { // self-loops are added by the model, not stored
            pairs.add(((long) Math.min(a, b) << 32) | Math.max(a, b));
        }
    }

    private static int[][] unpack(TreeSet<Long> pairs) {
        int[] s = new int[pairs.size()];
        int[] t = new int[pairs.size()];
        int i = 0;
        for (long p : pairs) {
            s[i] = (int) (p >>> 32);
            t[i] = (int) p;
            i++;
        }
        return new int[][] {s, t};
    }

    private static void fillDense(Pickle.Csr m, float[] dst, int f, java.util.function.IntUnaryOperator rowTo) {
        for (int i = 0; i < m.rows(); i++) {
            int base = rowTo.applyAsInt(i) * f;
            for (int k = m.indptr()[i]; k < m.indptr()[i + 1]; k++) {
                dst[base + m.indices()[k]] = m.data()[k];
            }
        }
    }

    private static void rowNormalise(float[] x, int n, int f) {
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < f; j++) {
                s += x[i * f + j];
            }
            if (s > 0) {
                float inv = (float) (1 / s);
                for (int j = 0; j < f; j++) {
                    x[i * f + j] *= inv;
                }
            }
        }
    }

    /**
     * @return {@code nodes * features}, the size of the dense feature matrix
     * @throws DataException if that exceeds {@link #MAX_DENSE_VALUES} (a damaged {@code _shape} can declare
     *     any number of features without storing any)
     */
    private static int denseSize(int nodes, int features, Path file) {
        long values = (long) nodes * features;
        if (values > MAX_DENSE_VALUES) {
            throw new DataException(file + ": the CSR field _shape declares " + features + " features, so the "
                    + nodes + " nodes would need a dense matrix of " + values + " values (" + values * Float.BYTES / (1 << 20)
                    + " MiB), more than the " + MAX_DENSE_VALUES + " this reader allows. The file is damaged or not"
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

    private static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
