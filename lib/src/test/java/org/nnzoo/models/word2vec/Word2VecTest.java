package org.nnzoo.models.word2vec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nnzoo.data.Abc;

/** Word2Vec on the real abc excerpt (lib/src/test/resources/abc-excerpt). */
class Word2VecTest {

    static List<String[]> corpus;
    static Word2Vec sg;

    @BeforeAll
    static void train() throws Exception {
        Path dir = Path.of(Word2VecTest.class.getResource("/abc-excerpt/rural.txt").toURI()).getParent();
        corpus = Abc.fromFolder(dir).lowerCasedSentences();
        sg = Word2Vec.skipGram().vectorSize(20).minCount(2).epochs(8).alpha(0.05, 1e-4).sample(0).seed(3)
                .progress(false).train(corpus);
    }

    @Test
    void vocabularyIsMinCountFilteredAndSortedByCount() {
        assertEquals(368, sg.size());  // NLTK: 368 lower-cased tokens seen at least twice
        String[] w = sg.words();
        for (int i = 1; i < w.length; i++) {
            assertTrue(sg.count(w[i - 1]) >= sg.count(w[i]), "sorted by count at " + i);
        }
        assertEquals("the", w[0]);
    }

    @Test
    void noiseTableFollowsCountToTheThreeQuarters() {
        long[] counts = {1000, 100, 10, 1, 1, 500};
        NoiseTable table = NoiseTable.of(counts, 0.75);
        double z = 0;
        for (long c : counts) {
            z += Math.pow(c, 0.75);
        }
        double[] exact = table.probabilities();
        int[] hits = new int[counts.length];
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        int n = 600_000;
        for (int i = 0; i < n; i++) {
            hits[table.sample(r.nextLong(), r.nextLong())]++;
        }
        for (int i = 0; i < counts.length; i++) {
            double p = Math.pow(counts[i], 0.75) / z;
            assertEquals(p, exact[i], 1e-6, "table probability of word " + i);
            double sd = Math.sqrt(p * (1 - p) / n);
            assertEquals(p, hits[i] / (double) n, 5 * sd, "sampled frequency of word " + i);
        }
        // flatter than the unigram distribution: the rare words are drawn more often than their share
        assertTrue(exact[3] > 2.0 * counts[3] / 1612);
        assertThrows(IllegalArgumentException.class, () -> NoiseTable.of(new long[] {3, 0}, 0.75));
    }

    @Test
    void trainingLowersTheLoss() {
        double[] loss = sg.history().values("loss");
        assertEquals(8, loss.length);
        assertTrue(loss[loss.length - 1] < 0.9 * loss[0], "loss " + loss[0] + " -> " + loss[loss.length - 1]);
        Word2Vec cbow = Word2Vec.cbow().vectorSize(20).minCount(2).epochs(8).alpha(0.05, 1e-4).seed(3)
                .progress(false).train(corpus);
        double[] c = cbow.history().values("loss");
        assertTrue(c[c.length - 1] < 0.9 * c[0], "CBOW loss " + c[0] + " -> " + c[c.length - 1]);
    }

    @Test
    void handWrittenGradientMatchesAutograd() {
        assertTrue(Autograd.maxGradientError(16, 5, 1, true) < 1e-5);
        double table = Autograd.maxGradientError(16, 5, 1, false);
        assertTrue(table < 2e-2, "sigmoid table error " + table);
    }

    @Test
    void neighboursExcludeTheWordAndAreSorted() {
        List<Word2Vec.Neighbour> nn = sg.mostSimilar("wheat", 5);
        assertEquals(5, nn.size());
        assertTrue(nn.stream().noneMatch(n -> n.word().equals("wheat")));
        for (int i = 1; i < nn.size(); i++) {
            assertTrue(nn.get(i - 1).similarity() >= nn.get(i).similarity());
        }
        assertEquals(sg.similarity("wheat", nn.get(0).word()), nn.get(0).similarity(), 1e-6);
        assertEquals(1.0, sg.similarity("the", "the"), 1e-5);
        List<Word2Vec.Neighbour> a = sg.analogy("the", "a", "of", 3);
        assertTrue(a.stream().noneMatch(n -> List.of("the", "a", "of").contains(n.word())));
    }

    /**
     * The trained vectors, pinned bit for bit (a hash of every float's bits, in vocabulary order), so that a
     * change to the trainer that moves any vector shows here: a refactoring must keep these. The values were
     * computed on x86-64 with OpenJDK 17; Java's float arithmetic is the same everywhere, but Math.exp (the
     * sigmoid table) and Math.pow (the noise table) may differ by an ulp on another platform.
     */
    @Test
    void trainedVectorsArePinned() {
        assertEquals(-6509318610875067371L, bitsHash(sg), "skip-gram vectors changed");
        Word2Vec cbow = Word2Vec.cbow().vectorSize(20).minCount(2).epochs(8).alpha(0.05, 1e-4).seed(3)
                .progress(false).train(corpus);
        assertEquals(2684704188460864950L, bitsHash(cbow), "CBOW vectors changed");
    }

    private static long bitsHash(Word2Vec w2v) {
        long h = 1;
        for (String w : w2v.words()) {
            for (float f : w2v.vector(w)) {
                h = h * 31 + Float.floatToRawIntBits(f);
            }
        }
        return h;
    }

    @Test
    void sameSeedSameVectorsOtherSeedOthers() {
        Word2Vec again = Word2Vec.skipGram().vectorSize(20).minCount(2).epochs(8).alpha(0.05, 1e-4).sample(0).seed(3)
                .progress(false).train(corpus);
        assertArrayEquals(sg.vector("wheat"), again.vector("wheat"));
        Word2Vec other = Word2Vec.skipGram().vectorSize(20).minCount(2).epochs(8).alpha(0.05, 1e-4).sample(0).seed(4)
                .progress(false).train(corpus);
        assertNotEquals(sg.vector("wheat")[0], other.vector("wheat")[0]);
    }

    @Test
    void saveLoadRoundTrip(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("vectors.txt");
        sg.save(f);
        List<String> lines = Files.readAllLines(f);
        assertEquals(sg.size() + " 20", lines.get(0));
        assertEquals(sg.size() + 1, lines.size());
        Word2Vec back = Word2Vec.load(f);
        assertArrayEquals(sg.words(), back.words());
        for (String w : sg.words()) {
            assertArrayEquals(sg.vector(w), back.vector(w), w);
        }
        assertEquals(sg.mostSimilar("wheat", 3), back.mostSimilar("wheat", 3));
    }

    @Test
    void badInputGivesClearErrors(@TempDir Path tmp) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Word2Vec.skipGram().train(List.of()));
        assertTrue(e.getMessage().contains("sentences is empty"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Word2Vec.skipGram().train(List.<String[]>of(new String[0])));
        assertTrue(e.getMessage().contains("no tokens"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Word2Vec.skipGram().minCount(1000).progress(false).train(corpus));
        assertTrue(e.getMessage().contains("minCount=1000 removes every word") && e.getMessage().contains("'the'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> sg.vector("xylophone"));
        assertTrue(e.getMessage().contains("'xylophone' is not in the vocabulary"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Word2Vec.skipGram().window(0));
        assertTrue(e.getMessage().contains("window must be >= 1"), e.getMessage());
        Path bad = tmp.resolve("bad.txt");
        Files.writeString(bad, "2 3\nthe 0.1 0.2 0.3\nof 0.1 0.2\n");
        e = assertThrows(IllegalArgumentException.class, () -> Word2Vec.load(bad));
        assertTrue(e.getMessage().contains("line 3 has 2 values, expected 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Word2Vec.load(tmp.resolve("missing.txt")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void djlFormulationScoresAreDotProductsAndFitLowersTheLoss() {
        Autograd.Examples ex = Autograd.examples(corpus, Word2Vec.skipGram().minCount(2).seed(3));
        assertEquals(368, ex.vocabSize());
        assertTrue(ex.count() > 1000, "examples: " + ex.count());
        assertEquals(1f, ex.labels()[0]);
        assertEquals(0f, ex.labels()[1]);
        try (ai.djl.Model m = ai.djl.Model.newInstance("sgns")) {
            m.setBlock(Autograd.block(ex.vocabSize(), 16));
            org.nnzoo.train.History h = org.nnzoo.train.Fit.of(m, ex.dataset(256, 1))
                    .loss(ai.djl.training.loss.Loss.sigmoidBinaryCrossEntropyLoss())
                    .optimizer(ai.djl.training.optimizer.Optimizer.adam()
                            .optLearningRateTracker(ai.djl.training.tracker.Tracker.fixed(0.01f)).build())
                    .epochs(3).seed(1).accuracy(false).title("SGNS with autograd").run();
            double[] loss = h.values("train_loss");
            assertTrue(loss[2] < 0.9 * loss[0], "loss " + loss[0] + " -> " + loss[2]);
            var params = m.getBlock().getParameters();
            float[] v = params.get("input_vectors").getArray().toFloatArray();
            float[] u = params.get("output_vectors").getArray().toFloatArray();
            try (ai.djl.ndarray.NDManager nm = ai.djl.ndarray.NDManager.newBaseManager()) {
                float[] row = java.util.Arrays.copyOf(ex.rows(), 7);
                float[] scores = m.getBlock().forward(new ai.djl.training.ParameterStore(nm, false),
                        new ai.djl.ndarray.NDList(nm.create(row, new ai.djl.ndarray.types.Shape(1, 7))), false)
                        .head().toFloatArray();
                assertEquals(6, scores.length);
                for (int t = 0; t < 6; t++) {
                    float dot = Word2Vec.dot(v, (int) row[0] * 16, u, (int) row[t + 1] * 16, 16);
                    assertEquals(dot, scores[t], 1e-4, "score " + t);
                }
            }
        }
    }

    @Test
    void pcaSpreadsTheWords() {
        List<String> words = List.of(sg.words()).subList(0, 30);
        double[][] xy = sg.pca2(words);
        assertEquals(30, xy.length);
        double var0 = 0;
        double var1 = 0;
        for (double[] p : xy) {
            var0 += p[0] * p[0];
            var1 += p[1] * p[1];
        }
        assertTrue(var0 >= var1 && var1 > 0, "first component carries the most variance: " + var0 + " " + var1);
    }

    @Test
    void vectorKernelsEqualTheScalarLoopsBitForBit() {
        // surefire starts the JVM with --add-modules jdk.incubator.vector, as the kernel does: SIMD must be on
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, Word2Vec.simd(), "Word2Vec.simd() with the Vector API module present: " + module);
        if (!module) {
            return;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(11);
        for (int trial = 0; trial < 2000; trial++) {
            int n = trial % 3 == 0 ? 100 : 1 + r.nextInt(130);
            int ao = r.nextInt(9);
            int bo = r.nextInt(9);
            double scale = Math.pow(10, r.nextInt(-3, 2));
            float[] a = new float[ao + n];
            float[] b = new float[bo + n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextDouble(-1, 1) * scale);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) (r.nextDouble(-1, 1) * scale);
            }
            assertEquals(Float.floatToRawIntBits(Word2Vec.dot(a, ao, b, bo, n)),
                    Float.floatToRawIntBits(VectorKernels.dot(a, ao, b, bo, n)), "dot, n = " + n);
            float g = (float) r.nextDouble(-0.05, 0.05);
            float[] u1 = b.clone();
            float[] u2 = b.clone();
            float[] e1 = new float[n];
            float[] e2 = new float[n];
            Word2Vec.update(g, u1, bo, a, ao, e1, n);
            VectorKernels.update(g, u2, bo, a, ao, e2, n);
            assertArrayEquals(u1, u2, "update of u, n = " + n);
            assertArrayEquals(e1, e2, "update of neu1e, n = " + n);
            Word2Vec.axpy(g, e1, 0, u1, bo, n);
            VectorKernels.axpy(g, e2, 0, u2, bo, n);
            assertArrayEquals(u1, u2, "axpy, n = " + n);
        }
    }
}
