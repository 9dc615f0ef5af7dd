package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The helpers the GCN chapter's cells call: the hand-layer comparison and one training run. */
class GcnHelpersTest {

    /** A 12-node graph: two rings of six joined by one edge; features are noisy class indicators. */
    private static final int N = 12;

    private static Adjacency graph() {
        int[] s = new int[13];
        int[] t = new int[13];
        for (int i = 0; i < 12; i++) {
            s[i] = i;
            t[i] = i % 6 == 5 ? i - 5 : i + 1;
        }
        s[12] = 5;
        t[12] = 6;
        return Adjacency.normalized(N, s, t);
    }

    private static float[] features(int[] labels) {
        java.util.Random rnd = new java.util.Random(3);
        float[] x = new float[N * 3];
        for (int i = 0; i < N; i++) {
            for (int f = 0; f < 3; f++) {
                x[i * 3 + f] = (float) rnd.nextGaussian() * 0.5f + (f == labels[i] ? 1f : 0f);
            }
        }
        return x;
    }

    /** Â (H W) over the COO entries, as the chapter's hand-written layer. */
    private static float[][] hand(float[][] h, float[][] w, Adjacency a, boolean withAdjacency) {
        int out = w[0].length;
        float[][] support = new float[h.length][out];
        for (int i = 0; i < h.length; i++) {
            for (int k = 0; k < w.length; k++) {
                for (int u = 0; u < out; u++) {
                    support[i][u] += h[i][k] * w[k][u];
                }
            }
        }
        if (!withAdjacency) {
            return support;
        }
        float[][] y = new float[h.length][out];
        for (int e = 0; e < a.nonZeros(); e++) {
            for (int u = 0; u < out; u++) {
                y[(int) a.rows()[e]][u] += a.values()[e] * support[(int) a.cols()[e]][u];
            }
        }
        return y;
    }

    @Test
    void handLayerErrorIsSmallForTheRightLayerOnly() {
        int[] labels = IntStream.range(0, N).map(i -> i / 6).toArray();
        float[] x = features(labels);
        Adjacency a = graph();
        double right = Gcn.handLayerError((h, w, adj) -> hand(h, w, adj, true), x, 3, a, 4, 7);
        double wrong = Gcn.handLayerError((h, w, adj) -> hand(h, w, adj, false), x, 3, a, 4, 7);
        assertTrue(right < 1e-6, "right layer: " + right);
        assertTrue(wrong > 1e-2, "layer without Â: " + wrong);
    }

    @Test
    void rowsSplitAFlatArray() {
        float[][] r = Gcn.rows(new float[] {1, 2, 3, 4, 5, 6}, 3);
        assertArrayEquals(new float[] {4, 5, 6}, r[1]);
        assertEquals(2, r.length);
        assertThrows(IllegalArgumentException.class, () -> Gcn.rows(new float[5], 3));
    }

    @Test
    void trainRunsTheRecipeAndReportsTheSelectedModel() {
        int[] labels = IntStream.range(0, N).map(i -> i / 6).toArray();
        FullGraph train = new FullGraph(features(labels), 3, graph(), new int[] {0, 1, 10, 11}, labels);
        FullGraph val = train.forNodes(new int[] {2, 3, 8, 9}, labels);
        FullGraph test = train.forNodes(new int[] {4, 5, 6, 7}, labels);
        GcnRecipes.Settings s = new GcnRecipes.Settings(5, 8, 2, 0.5f, 5e-4f, 0.05f, 10);
        GcnRecipes.Run run = GcnRecipes.train(s, train, val, test, 1, GcnRecipes.Selection.LAST_EPOCH, false, "test");
        try {
            assertEquals(5, run.history().epochs());
            int[] pred = Gcn.predict(run.model(), test);
            int ok = 0;
            for (int i = 0; i < pred.length; i++) {
                ok += pred[i] == labels[4 + i] ? 1 : 0;
            }
            assertEquals(ok / 4.0, run.testAccuracy(), 1e-12);
            assertTrue(run.bestValAccTestAccuracy() >= 0 && run.bestValAccTestAccuracy() <= 1);
            assertTrue(run.seconds() > 0);
            assertTrue(((Gcn.Net) run.model().getBlock()).firstLayer().bias().isEmpty());
        } finally {
            run.model().close();
        }
        GcnRecipes.Run biased = GcnRecipes.train(s, train, val, test, 1, GcnRecipes.Selection.BEST_VAL_ACC, true, "bias");
        try {
            assertTrue(((Gcn.Net) biased.model().getBlock()).firstLayer().bias().isPresent());
        } finally {
            biased.model().close();
            train.close();
        }
    }
}
