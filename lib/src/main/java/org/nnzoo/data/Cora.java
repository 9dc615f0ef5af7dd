package org.nnzoo.data;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * <p>Two formats are read, each by its own reader ({@link CoraPlanetoid}, {@link CoraLinqs}):
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

    Cora(String source, int nodes, int featureCount, float[] features, int[] labels, int[][] edges,
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
        return CoraPlanetoid.read(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5), p.get(6), p.get(7))
                .requireStandard();
    }

    /** @return Cora from the LINQS text files with a seeded 20-per-class / 500 / 1000 split (seed 0), validated */
    public static Cora linqs() {
        return linqs(new DataLocator());
    }

    /** @param locator finds, verifies and if needed downloads the files */
    public static Cora linqs(DataLocator locator) {
        List<Path> p = locator.locate("cora", LINQS_FILES, extraDirs());
        Cora c = CoraLinqs.read(p.get(0), p.get(1));
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
        return CoraPlanetoid.read(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
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
        return CoraLinqs.read(content, cites);
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

    /** @return the number of nodes of each class among {@code nodeIndex} (e.g. the training nodes) */
    public int[] classCounts(int[] nodeIndex) {
        int[] c = new int[classCount()];
        for (int i : nodeIndex) {
            c[labels[i]]++;
        }
        return c;
    }

    /** @return the features as one row per node, {@code [node][feature]} (a copy) */
    public float[][] featureRows() {
        float[][] rows = new float[nodes][];
        for (int i = 0; i < nodes; i++) {
            rows[i] = java.util.Arrays.copyOfRange(features, i * featureCount, (i + 1) * featureCount);
        }
        return rows;
    }

    @Override
    public String toString() {
        return "Cora[" + source + ": " + nodes + " nodes, " + featureCount + " features, " + classCount()
                + " classes, " + edgeCount() + " undirected edges; split " + train.length + "/" + val.length + "/"
                + test.length + "]";
    }

    // ------------------------------------------------------------------ helpers shared by the two readers

    /**
     * @return every line of an ASCII text file (Cora's are plain ASCII), blank ones included, so that
     *     index + 1 is the line number
     * @throws DataException naming the file, and the line of the first byte that is not ASCII
     */
    static List<String> readLines(Path file) {
        byte[] bytes = BoundedRead.dataFile(file, MAX_TEXT_BYTES, "the Cora file ");
        return StrictText.decode(bytes, StandardCharsets.US_ASCII, file.toString()).lines().toList();
    }

    static void addUndirected(TreeSet<Long> pairs, int a, int b) {
        if (a != b) { // self-loops are added by the model, not stored
            pairs.add(((long) Math.min(a, b) << 32) | Math.max(a, b));
        }
    }

    static int[][] unpack(TreeSet<Long> pairs) {
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

    static void rowNormalise(float[] x, int n, int f) {
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

    static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
