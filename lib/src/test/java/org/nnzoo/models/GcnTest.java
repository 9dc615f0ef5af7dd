package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nnzoo.train.Fit;
import org.nnzoo.train.History;
import org.nnzoo.train.WeightDecayLoss;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

class GcnTest {

    /** Path 0 - 1 - 2 plus an isolated node 3: degrees with self-loops 2, 3, 2, 1. */
    @Test
    void normalisedAdjacencyOfAPathIsExact() {
        Adjacency a = Adjacency.normalized(4, new int[] {0, 1}, new int[] {1, 2});
        double s6 = 1 / Math.sqrt(6);
        double[] expected = {
            1 / 2.0, s6, 0, 0,
            s6, 1 / 3.0, s6, 0,
            0, s6, 1 / 2.0, 0,
            0, 0, 0, 1};
        float[] d = a.dense();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], d[i], 1e-7, "entry " + i);
        }
        assertEquals(4 + 2 * 2, a.nonZeros());
    }

    @Test
    void badEdgesAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Adjacency.normalized(3, new int[] {0, 1}, new int[] {1, 7}));
        assertTrue(e.getMessage().contains("edge 1") && e.getMessage().contains("dangling"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Adjacency.normalized(3, new int[] {0, 1}, new int[] {1, 0}));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new FullGraph(new float[12], 3,
                Adjacency.identity(5), new int[] {0}, new int[4]));
        assertTrue(e.getMessage().contains("adjacency has 5 nodes but features has 4"), e.getMessage());
    }

    /** The sparse COO product and the dense product give the same layer output and the same weight gradient. */
    @Test
    void sparseAndDensePropagationAgree() {
        int n = 30;
        java.util.Random rnd = new java.util.Random(5);
        java.util.List<int[]> edges = new java.util.ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (edges.size() < 60) {
            int a = rnd.nextInt(n);
            int b = rnd.nextInt(n);
            if (a != b && seen.add((long) Math.min(a, b) * n + Math.max(a, b))) {
                edges.add(new int[] {a, b});
            }
        }
        Adjacency adj = Adjacency.normalized(n,
                edges.stream().mapToInt(e -> e[0]).toArray(), edges.stream().mapToInt(e -> e[1]).toArray());
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Gcn.GraphConv conv = new Gcn.GraphConv(4, true);
            conv.initialize(m, DataType.FLOAT32, new Shape(n, 8), new Shape(n, n));
            NDArray h = m.randomNormal(new Shape(n, 8));
            ParameterStore ps = new ParameterStore(m, false);
            float[][] out = new float[2][];
            float[][] grad = new float[2][];
            NDArray[] a = {adj.toSparse(m), adj.toDense(m)};
            assertTrue(a[0].isSparse());
            for (int k = 0; k < 2; k++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray y = conv.forward(ps, new NDList(h, a[k]), true).head();
                    out[k] = y.toFloatArray();
                    gc.backward(y.square().sum());
                }
                grad[k] = conv.weight().getArray().getGradient().toFloatArray();
            }
            assertArrayEquals(out[1], out[0], 1e-5f);
            assertArrayEquals(grad[1], grad[0], 1e-4f);
            // and the dense product equals the formula Â (H W) + b computed here
            float[] w = conv.weight().getArray().toFloatArray();
            float[] hv = h.toFloatArray();
            float[] ad = adj.dense();
            for (int i = 0; i < n; i++) {
                for (int u = 0; u < 4; u++) {
                    double s = 0;
                    for (int j = 0; j < n; j++) {
                        double hw = 0;
                        for (int f = 0; f < 8; f++) {
                            hw += hv[j * 8 + f] * w[f * 4 + u];
                        }
                        s += ad[i * n + j] * hw;
                    }
                    assertEquals(s, out[0][i * 4 + u], 1e-4, "out[" + i + "][" + u + "] (bias starts at 0)");
                }
            }
        }
    }

    /** @return {@code n * f} features, each non-zero (in [1, 2)) with probability {@code 1 / oneIn} */
    private static float[] sparseFeatures(int n, int f, int oneIn, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        float[] feats = new float[n * f];
        for (int i = 0; i < feats.length; i++) {
            feats[i] = rnd.nextInt(oneIn) == 0 ? 1f + rnd.nextFloat() : 0f;
        }
        return feats;
    }

    /** @return the normalised adjacency of the path 0 - 1 - ... - (n-1) */
    private static Adjacency path(int n) {
        int[] src = new int[n - 1];
        int[] dst = new int[n - 1];
        for (int i = 0; i + 1 < n; i++) {
            src[i] = i;
            dst[i] = i + 1;
        }
        return Adjacency.normalized(n, src, dst);
    }

    /**
     * FullGraph hands the network X as a sparse matrix: in evaluation (no dropout) and in training without
     * dropout it is the same network as on the dense X, output and gradients.
     */
    @Test
    void sparseFeaturesGiveTheSameNetworkAsDenseOnes() {
        int n = 30;
        int f = 40;
        float[] feats = sparseFeatures(n, f, 10, 9);
        try (NDManager m = NDManager.newBaseManager();
             FullGraph graph = new FullGraph(feats, f, path(n), new int[] {0, 1, 2}, new int[n])) {
            NDList in = graph.graphInputs();
            assertTrue(in.get(0).isSparse(), "FullGraph's X is sparse");
            assertArrayEquals(feats, in.get(0).toDense().toFloatArray());
            for (float rate : new float[] {0.5f, 0f}) {
                Engine.getInstance().setRandomSeed(4);
                Gcn.Net net = Gcn.build(8, 3, rate);
                net.initialize(m, DataType.FLOAT32, new Shape(n, f), new Shape(n, n));
                ParameterStore ps = new ParameterStore(m, false);
                NDArray[] x = {in.get(0), m.create(feats, new Shape(n, f))};
                float[][] eval = new float[2][];
                float[][] grad = new float[2][];
                for (int k = 0; k < 2; k++) {
                    eval[k] = net.forward(ps, new NDList(x[k], in.get(1)), false).head().toFloatArray();
                    if (rate == 0f) {
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.zeroGradients();
                            gc.backward(net.forward(ps, new NDList(x[k], in.get(1)), true).head().square().sum());
                        }
                        grad[k] = net.firstLayer().weight().getArray().getGradient().toFloatArray();
                    }
                }
                assertArrayEquals(eval[1], eval[0], 1e-5f, "evaluation, sparse vs dense X");
                if (rate == 0f) {
                    assertArrayEquals(grad[1], grad[0], 1e-4f, "dL/dW1 without dropout, sparse vs dense X");
                }
            }
        }
    }

    /**
     * In training, the sparse X goes through {@link TorchOps#sparseDropout}: the hidden layer equals the layer run
     * in evaluation on the dropped matrix that the same seed gives, and differs from the layer on X itself.
     */
    @Test
    void trainingDropsOutTheStoredEntriesOfASparseX() {
        int n = 30;
        int f = 40;
        try (NDManager m = NDManager.newBaseManager();
             FullGraph graph = new FullGraph(sparseFeatures(n, f, 5, 10), f, path(n), new int[] {0}, new int[n])) {
            NDList in = graph.graphInputs();
            Engine.getInstance().setRandomSeed(6);
            Gcn.Net net = Gcn.build(8, 3, 0.5f);
            net.initialize(m, DataType.FLOAT32, new Shape(n, f), new Shape(n, n));
            ParameterStore ps = new ParameterStore(m, false);
            Engine.getInstance().setRandomSeed(21);
            float[] trained = net.hidden(ps, in.get(0), in.get(1), true).toFloatArray();
            Engine.getInstance().setRandomSeed(21);
            NDArray dropped = TorchOps.sparseDropout(in.get(0), 0.5);
            float[] onDropped = net.hidden(ps, dropped, in.get(1), false).toFloatArray();
            float[] onX = net.hidden(ps, in.get(0), in.get(1), false).toFloatArray();
            assertArrayEquals(onDropped, trained, 1e-6f, "training = evaluation on the same seed's dropped X");
            double diff = 0;
            for (int i = 0; i < onX.length; i++) {
                diff = Math.max(diff, Math.abs(onX[i] - trained[i]));
            }
            assertTrue(diff > 1e-3, "training must drop entries: largest difference from X itself " + diff);
        }
    }

    /** The penalty is decay/2 * sum W^2, and its gradient adds decay * W to the first layer only. */
    @Test
    void weightDecayLossTouchesOnlyTheChosenWeights() {
        float decay = 0.5f;
        try (NDManager m = NDManager.newBaseManager()) {
            Gcn.Net net = Gcn.build(3, 2, 0f);
            Engine.getInstance().setRandomSeed(1);
            Adjacency adj = Adjacency.normalized(4, new int[] {0, 1, 2}, new int[] {1, 2, 3});
            net.initialize(m, DataType.FLOAT32, new Shape(4, 5), new Shape(4, 4), new Shape(2));
            NDArray x = m.randomUniform(0, 1, new Shape(4, 5));
            NDList in = new NDList(x, adj.toSparse(m), m.create(new long[] {0, 3}));
            NDList y = new NDList(m.create(new float[] {0, 1}));
            Loss plain = Loss.softmaxCrossEntropyLoss();
            Loss decayed = new WeightDecayLoss(plain, decay, List.of(net.firstLayer().weight()));
            ParameterStore ps = new ParameterStore(m, false);
            float[][] g1 = new float[2][];
            float[][] g2 = new float[2][];
            float[] values = new float[2];
            Loss[] losses = {plain, decayed};
            for (int k = 0; k < 2; k++) {
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.zeroGradients();
                    NDArray l = losses[k].evaluate(y, net.forward(ps, in, true));
                    values[k] = l.getFloat();
                    gc.backward(l);
                }
                g1[k] = net.firstLayer().weight().getArray().getGradient().toFloatArray();
                g2[k] = net.secondLayer().weight().getArray().getGradient().toFloatArray();
            }
            float[] w1 = net.firstLayer().weight().getArray().toFloatArray();
            double sq = 0;
            for (int i = 0; i < w1.length; i++) {
                sq += w1[i] * w1[i];
                assertEquals(g1[0][i] + decay * w1[i], g1[1][i], 1e-5, "first-layer gradient " + i);
            }
            assertEquals(values[0] + decay / 2 * sq, values[1], 1e-5);
            assertArrayEquals(g2[0], g2[1], 1e-7f, "second layer is not decayed");
        }
    }

    /** A short real training run on the committed toy graph: keepBest restores the best validation epoch. */
    @Test
    void keepBestRestoresTheBestEpoch() {
        // two communities (0-9, 10-19), features are noisy class indicators
        int n = 20;
        java.util.List<int[]> edges = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (i / 10 == j / 10 && (j - i) <= 2) {
                    edges.add(new int[] {i, j});
                }
            }
        }
        edges.add(new int[] {9, 10});
        Adjacency adj = Adjacency.normalized(n, edges.stream().mapToInt(e -> e[0]).toArray(),
                edges.stream().mapToInt(e -> e[1]).toArray());
        java.util.Random rnd = new java.util.Random(2);
        float[] x = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i / 10;
            for (int f = 0; f < 4; f++) {
                x[i * 4 + f] = (float) rnd.nextGaussian() + (f == labels[i] ? 0.7f : 0f);
            }
        }
        FullGraph train = new FullGraph(x, 4, adj, new int[] {0, 1, 18, 19}, labels);
        FullGraph val = train.forNodes(java.util.stream.IntStream.range(2, 18).toArray(), labels);
        try (Model model = Model.newInstance("gcn")) {
            Gcn.Net net = Gcn.build(8, 2, 0.5f);
            model.setBlock(net);
            History h = Fit.of(model, train).validation(val)
                    .loss(new WeightDecayLoss(Loss.softmaxCrossEntropyLoss(), 5e-4f, List.of(net.firstLayer().weight())))
                    .optimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.05f)).build())
                    .epochs(40).accuracy(true).seed(4).keepBest("val_acc").run();
            int[] pred = Gcn.predict(model, val);
            int ok = 0;
            for (int i = 0; i < pred.length; i++) {
                ok += pred[i] == labels[i + 2] ? 1 : 0;
            }
            assertEquals(h.max("val_acc"), ok / (double) pred.length, 1e-12, "restored model has the best val_acc");
            assertTrue(h.max("val_acc") >= 0.75, "val_acc " + h.max("val_acc"));
            // X and Â are made once and every array computed from them was freed with its batch
            assertEquals(2, train.graphInputs().head().getManager().getManagedArrays().size());
            assertEquals(8, Gcn.hiddenEmbeddings(model, val)[0].length);
            assertEquals(n, Gcn.hiddenEmbeddings(model, val).length);
            assertEquals(2, train.graphInputs().head().getManager().getManagedArrays().size());
            train.close();
        }
    }
    /** Kipf's rule: stop when val_loss exceeds the mean of the previous window, from epoch window + 2 on. */
    @Test
    void kipfEarlyStoppingFollowsTheReferenceRule() {
        org.nnzoo.train.StopRule rule = GcnRecipes.kipfEarlyStopping(3);
        History h = new History();
        double[] losses = {5, 4, 3, 2.9, 2.95, 2.94, 3.5};
        boolean[] expected = {false, false, false, false, false, false, true};
        // epoch 4 (2.95) is above 2.9 but below mean(4, 3, 2.9) = 3.3; epoch 5 (2.94) below mean(3, 2.9, 2.95) = 2.95;
        // epoch 6 (3.5) above mean(2.9, 2.95, 2.94)
        for (int e = 0; e < losses.length; e++) {
            h.add(java.util.Map.of("val_loss", losses[e]));
            assertEquals(expected[e], rule.shouldStop(h), "epoch " + e);
        }
        History early = new History();
        for (double v : new double[] {1, 1, 1, 9}) { // a jump before window + 2 epochs are recorded is ignored
            early.add(java.util.Map.of("val_loss", v));
        }
        assertTrue(!rule.shouldStop(early));
        History noVal = new History();
        noVal.add(java.util.Map.of("train_loss", 1.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rule.shouldStop(noVal));
        assertTrue(e.getMessage().contains("Fit.validation"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GcnRecipes.kipfEarlyStopping(0));
    }

    /**
     * The parts of Kipf and Welling's recipe (tkipf/gcn, TensorFlow 1) that come from DJL rather than from this
     * file, checked against the reference's formulas: Glorot-uniform weights with bound sqrt(6 / (in + out)), no
     * bias by default, dropout that keeps or scales by 1 / (1 - p), a cross-entropy averaged over the labelled nodes,
     * and Adam with TensorFlow's "epsilon hat" (the step is lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps), which
     * differs from PyTorch's lr / (1 - b1^t) m / (sqrt(v / (1 - b2^t)) + eps) for gradients near eps).
     */
    @Test
    void djlPiecesFollowTheReferenceFormulas() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            Gcn.Net net = Gcn.build(16, 7, 0.5f);
            net.initialize(m, DataType.FLOAT32, new Shape(50, 300), new Shape(50, 50), new Shape(5));
            assertEquals(2, net.getParameters().size(), "no biases: " + net.getParameters().keys());
            for (Gcn.GraphConv c : new Gcn.GraphConv[] {net.firstLayer(), net.secondLayer()}) {
                Shape s = c.weight().getArray().getShape();
                double bound = Math.sqrt(6.0 / (s.get(0) + s.get(1)));
                float[] w = c.weight().getArray().toFloatArray();
                double max = 0;
                double sq = 0;
                for (float v : w) {
                    max = Math.max(max, Math.abs(v));
                    sq += v * v;
                }
                assertTrue(max <= bound && max > 0.95 * bound, s + ": max |w| " + max + ", Glorot bound " + bound);
                double sd = Math.sqrt(sq / w.length);
                assertEquals(bound / Math.sqrt(3), sd, 0.1 * bound / Math.sqrt(3), s + ": sd of U(-b, b) is b / sqrt(3)");
            }
            assertTrue(Gcn.build(4, 2, 0f, true).secondLayer().bias().isPresent());
            assertTrue(net.firstLayer().bias().isEmpty());

            ai.djl.nn.norm.Dropout drop = ai.djl.nn.norm.Dropout.builder().optRate(0.5f).build();
            drop.initialize(m, DataType.FLOAT32, new Shape(2000));
            float[] kept = drop.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2000)).mul(3f)), true)
                    .head().toFloatArray();
            int zeros = 0;
            for (float v : kept) {
                assertTrue(v == 0f || v == 6f, "dropout output " + v + " is neither 0 nor 3 / (1 - 0.5)");
                zeros += v == 0f ? 1 : 0;
            }
            assertTrue(zeros > 900 && zeros < 1100, zeros + " of 2000 dropped at p = 0.5");

            // cross-entropy of 4 nodes: the mean, not the sum, of -log softmax at the label
            NDArray logits = m.create(new float[] {2, 0, 0, 1, 1, 0, 3, 0}, new Shape(4, 2));
            float ce = Loss.softmaxCrossEntropyLoss().evaluate(new NDList(m.create(new float[] {0, 1, 0, 1})),
                    new NDList(logits)).getFloat();
            double expected = (Math.log(1 + Math.exp(-2)) + Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(-1))
                    + Math.log(1 + Math.exp(3))) / 4;
            assertEquals(expected, ce, 1e-5);

            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.01f)).build();
            float[] g = {1e-7f, 1e-8f, 1e-3f};
            NDArray w = m.create(new float[] {1, 1, 1});
            for (int t = 1; t <= 3; t++) {
                float[] before = w.toFloatArray();
                adam.update("w", w, m.create(g));
                float[] after = w.toFloatArray();
                for (int i = 0; i < g.length; i++) {
                    double b1 = 1 - Math.pow(0.9, t);
                    double b2 = 1 - Math.pow(0.999, t); // constant gradient: m = b1 g, v = b2 g^2
                    double tf = 0.01 * Math.sqrt(b2) / b1 * (b1 * g[i]) / (Math.sqrt(b2) * g[i] + 1e-8);
                    assertEquals(tf, before[i] - after[i], 1e-3 * tf + 1e-9, "Adam step " + t + " for gradient " + g[i]);
                }
            }
        }
    }
}
