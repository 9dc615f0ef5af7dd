package org.nnzoo.exercises;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import org.nnzoo.models.Adjacency;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 13 (GCN): the propagation rule with the renormalisation trick, checked against {@link Adjacency#normalized}. */
public final class Chapter13 {

    private Chapter13() {
    }

    /**
     * Exercise 13.1: one graph convolution without the non-linearity, {@code Â H W} with
     * {@code Â = D̃^-1/2 (A + I) D̃^-1/2}, for a graph of {@code n} nodes given as an undirected edge list (each edge
     * once, {@code source[e]} - {@code target[e]}); {@code h[n][in]}, {@code w[in][out]}, result {@code [n][out]}.
     */
    @FunctionalInterface
    public interface Propagation {
        float[][] apply(int n, int[] source, int[] target, float[][] h, float[][] w);
    }

    /** The mistakes the hints recognise: variants of {@code Â}. */
    private enum Variant { RIGHT, NO_SELF_LOOPS, DEGREE_WITHOUT_SELF_LOOP, ROW_NORMALISED, NOT_NORMALISED, ONE_DIRECTION }

    private static final double TOLERANCE = 1e-4;

    @Checks("13.1")
    public static Report propagation(Propagation answer) {
        Report r = new Report("13.1");
        SplittableRandom rnd = new SplittableRandom(131);
        // nodes, edges, input features, output features; the first is the chapter's path 0 - 1 - 2 and node 3 alone
        int[][] cases = {{4, 2, 3, 2}, {5, 6, 3, 2}, {8, 10, 4, 3}, {12, 20, 5, 4}, {7, 4, 2, 3}};
        for (int[] cs : cases) {
            int n = cs[0], m = cs[1], in = cs[2], out = cs[3];
            int[][] edges = cs == cases[0] ? new int[][] {{0, 1}, {1, 2}} : randomEdges(rnd, n, m);
            int[] source = new int[m];
            int[] target = new int[m];
            for (int e = 0; e < m; e++) {
                source[e] = edges[e][0];
                target[e] = edges[e][1];
            }
            float[][] h = random(rnd, n, in);
            float[][] w = random(rnd, in, out);
            int isolated = isolatedNodes(n, source, target);
            String what = String.format("%d nodes, %d edges%s, %d -> %d features", n, m,
                    isolated > 0 ? " (" + isolated + " node(s) without neighbours)" : "", in, out);
            float[] expected = product(Adjacency.normalized(n, source, target).dense(), n, h, w);
            float[][] got = answer.apply(n, source.clone(), target.clone(), Arrays3.copy(h), Arrays3.copy(w));
            String shape = shape(got);
            if (!shape.equals("[" + n + ", " + out + "]")) {
                r.fail(what + ": result shape " + shape + ", expected [" + n + ", " + out + "]");
                r.hint(true, "the result has one row per node and one column per output feature: [n][w[0].length]");
                continue;
            }
            float[] flat = Arrays3.flatten(new float[][][] {got});
            if (!r.compare(what, flat, expected, TOLERANCE)) {
                hints(r, flat, n, source, target, h, w);
            }
        }
        return r;
    }

    private static void hints(Report r, float[] got, int n, int[] source, int[] target, float[][] h, float[][] w) {
        for (Variant v : Variant.values()) {
            if (v == Variant.RIGHT) {
                continue;
            }
            float[] variant = product(adjacency(n, source, target, v), n, h, w);
            if (Arrays3.close(got, variant)) {
                r.hint(true, switch (v) {
                    case NO_SELF_LOOPS -> "the self-loops are missing: Â = D̃^-1/2 (A + I) D̃^-1/2, so each node also"
                            + " keeps 1/d̃_i of its own features (a node without neighbours keeps all of them)";
                    case DEGREE_WITHOUT_SELF_LOOP -> "d̃_i counts the self-loop: d̃_i = 1 + degree(i)";
                    case ROW_NORMALISED -> "that is the row-normalised D̃^-1 (A + I), a plain mean: the GCN divides by"
                            + " sqrt(d̃_i d̃_j), the degrees of both ends";
                    case NOT_NORMALISED -> "(A + I) without the normalisation: divide each entry by sqrt(d̃_i d̃_j)";
                    case ONE_DIRECTION -> "the edges are undirected: each edge i - j gives Â_ij and Â_ji";
                    default -> "";
                });
                return;
            }
        }
        r.hint(true, "out[i] = sum over j in N(i) and i itself of h[j] W / sqrt(d̃_i d̃_j), with d̃ = 1 + degree");
    }

    /** A dense variant of Â (the check's own, for the hints only). */
    private static float[] adjacency(int n, int[] source, int[] target, Variant v) {
        double[] degree = new double[n];
        for (int e = 0; e < source.length; e++) {
            degree[source[e]]++;
            degree[target[e]]++;
        }
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = v == Variant.DEGREE_WITHOUT_SELF_LOOP || v == Variant.NO_SELF_LOOPS ? degree[i] : 1 + degree[i];
        }
        double[] a = new double[n * n];
        if (v != Variant.NO_SELF_LOOPS) {
            for (int i = 0; i < n; i++) {
                a[i * n + i] = 1;
            }
        }
        for (int e = 0; e < source.length; e++) {
            a[source[e] * n + target[e]] = 1;
            if (v != Variant.ONE_DIRECTION) {
                a[target[e] * n + source[e]] = 1;
            }
        }
        float[] out = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double scale = switch (v) {
                    case ROW_NORMALISED -> 1 / d[i];
                    case NOT_NORMALISED -> 1;
                    default -> 1 / Math.sqrt(d[i] * d[j]);
                };
                out[i * n + j] = a[i * n + j] == 0 ? 0f : (float) (a[i * n + j] * scale);
            }
        }
        return out;
    }

    /** @return {@code A (H W)} for a dense {@code n x n} matrix {@code a}, row-major */
    private static float[] product(float[] a, int n, float[][] h, float[][] w) {
        int in = w.length, out = w[0].length;
        double[][] hw = new double[n][out];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < in; k++) {
                for (int u = 0; u < out; u++) {
                    hw[i][u] += (double) h[i][k] * w[k][u];
                }
            }
        }
        float[] y = new float[n * out];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (a[i * n + j] != 0) {
                    for (int u = 0; u < out; u++) {
                        y[i * out + u] += (float) (a[i * n + j] * hw[j][u]);
                    }
                }
            }
        }
        return y;
    }

    /** @return the shape of a rectangular {@code [rows][cols]} array as "[rows, cols]", or what is wrong with it */
    private static String shape(float[][] a) {
        if (a == null) {
            return "null";
        }
        if (a.length == 0) {
            return "[0, ?]";
        }
        for (float[] row : a) {
            if (row == null || row.length != a[0].length) {
                return "ragged (rows of different lengths)";
            }
        }
        return "[" + a.length + ", " + a[0].length + "]";
    }

    private static int[][] randomEdges(SplittableRandom rnd, int n, int m) {
        Set<Long> seen = new HashSet<>();
        int[][] edges = new int[m][];
        int e = 0;
        while (e < m) {
            int a = rnd.nextInt(n);
            int b = rnd.nextInt(n);
            if (a != b && seen.add((long) Math.min(a, b) * n + Math.max(a, b))) {
                edges[e++] = new int[] {a, b};
            }
        }
        return edges;
    }

    private static int isolatedNodes(int n, int[] source, int[] target) {
        boolean[] linked = new boolean[n];
        for (int e = 0; e < source.length; e++) {
            linked[source[e]] = true;
            linked[target[e]] = true;
        }
        int c = 0;
        for (boolean b : linked) {
            c += b ? 0 : 1;
        }
        return c;
    }

    private static float[][] random(SplittableRandom rnd, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) rnd.nextDouble(-1, 1);
            }
        }
        return a;
    }

}
