package org.nnzoo.models.word2vec;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.nnzoo.models.Pca;
import org.nnzoo.train.History;

/**
 * Word2Vec: word embeddings learnt by predicting a word's neighbours, with negative sampling (SGNS).
 * T. Mikolov, K. Chen, G. Corrado, J. Dean, <i>Efficient Estimation of Word Representations in Vector
 * Space</i>, ICLR workshop 2013 (skip-gram and CBOW), and T. Mikolov, I. Sutskever, K. Chen, G. Corrado,
 * J. Dean, <i>Distributed Representations of Words and Phrases and their Compositionality</i>, NIPS 2013
 * (negative sampling, frequent-word subsampling).
 *
 * <p><b>The model</b> is two {@code V x d} matrices: each word {@code w} has an input vector {@code v_w}
 * (a row of {@code syn0}: the embedding) and an output vector {@code u_w} (a row of {@code syn1neg}).
 * For an input {@code h} (skip-gram: {@code v} of one context word; CBOW: the mean of the context words'
 * {@code v}) predicting the word {@code o} with {@code k} noise words {@code n_i} drawn from the unigram
 * distribution raised to 3/4, the loss is
 * <pre>    L = -log s(u_o . h) - sum_i log s(-u_{n_i} . h),    s(x) = 1 / (1 + e^-x)</pre>
 * and with labels {@code y_o = 1}, {@code y_n = 0} its gradients are
 * <pre>    dL/du_t = -(y_t - s(u_t . h)) h,    dL/dh = -sum_t (y_t - s(u_t . h)) u_t .</pre>
 * Plain SGD applies them one example at a time ({@link #negativeStep}), with a learning rate falling
 * linearly from {@code alpha} to {@code minAlpha} over the run.
 *
 * <p>The arithmetic follows the reference {@code word2vec.c} and gensim 4 ({@code word2vec_inner.pyx}) on
 * plain {@code float[]} arrays: the same defaults, reduced random window, subsampling formula,
 * {@code count^0.75} noise distribution, 1000-entry sigmoid table clipped at |x| = 6 and 48-bit generator.
 *
 * <p>This file is the model and its update. Around it, in this package: {@link Trainer} (the
 * hyper-parameters), {@code Hogwild} (the training threads, the schedule, the timing), {@code Vocabulary}
 * and {@link NoiseTable} (the vocabulary, subsampling and noise tables), {@code VectorKernels} (the same
 * three loops on the Vector API), {@code UnitVectors} (the cosine searches), {@link Autograd} (the gradient
 * check against DJL's autograd, and the model as a DJL block), {@code VectorsFile} (the word2vec text
 * format); the command line for {@code environment/bench-word2vec.sh} is
 * {@code org.nnzoo.bench.Word2VecBench}.
 */
public final class Word2Vec {

    /** Which word predicts which. */
    public enum Architecture {
        /** Each context word predicts the centre word (separately). */
        SKIP_GRAM,
        /** The mean of the context words predicts the centre word. */
        CBOW
    }

    /** A neighbour of a query word. */
    public record Neighbour(String word, double similarity) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s (%.3f)", word, similarity);
        }
    }

    private final Architecture architecture;
    private final int dim;
    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> index;
    /** {@code v_w}, the input vectors (the embeddings): row {@code w} of a {@code V x d} matrix. */
    private final float[] syn0;
    /** {@code u_w}, the output vectors, likewise. */
    private final float[] syn1neg;
    private final Hogwild.Stats stats;
    private UnitVectors unit;

    Word2Vec(Architecture architecture, int dim, String[] words, long[] counts, float[] syn0, float[] syn1neg,
             Hogwild.Stats stats) {
        this.architecture = architecture;
        this.dim = dim;
        this.words = words;
        this.counts = counts;
        this.syn0 = syn0;
        this.syn1neg = syn1neg;
        this.stats = stats;
        this.index = new HashMap<>(words.length * 2);
        for (int i = 0; i < words.length; i++) {
            if (index.put(words[i], i) != null) {
                throw new IllegalArgumentException("the word '" + words[i] + "' occurs twice in the vocabulary");
            }
        }
    }

    /** @return a trainer for skip-gram with negative sampling, gensim's defaults otherwise */
    public static Trainer skipGram() {
        return new Trainer(Architecture.SKIP_GRAM);
    }

    /** @return a trainer for CBOW (mean of the context vectors) with negative sampling, gensim's defaults */
    public static Trainer cbow() {
        return new Trainer(Architecture.CBOW);
    }

    /**
     * The initial input vectors, uniform in {@code [-1/d, 1/d)} like gensim 4 (whose numpy generator
     * differs); the output vectors start at zero.
     */
    static float[] initialInputVectors(int words, int dim, long seed) {
        float[] syn0 = new float[words * dim];
        long r = Lcg.seed(seed, 0x5EED);
        for (int i = 0; i < syn0.length; i++) {
            r = Lcg.next(r);
            syn0[i] = ((r >>> 24) / (float) (1 << 24) * 2 - 1) / dim;
        }
        return syn0;
    }

    // ------------------------------------------------------------------------------------------------
    // The update: one training example

    /**
     * Skip-gram, one (centre word, context word) pair: {@code h = v_context} predicts the centre word.
     *
     * @param targets the centre word, then the noise words ({@code n} in all)
     * @param neu1e   scratch of {@code dim} floats
     * @return the example's loss before the step
     */
    static double skipGramStep(float[] syn0, float[] syn1neg, int dim, int context, int[] targets, int n, float alpha,
                               float[] neu1e) {
        // excerpt-begin: skipGramStep
        Arrays.fill(neu1e, 0f);
        int hOff = context * dim;                                           // h = v_context, a row of syn0
        double loss = negativeStep(syn0, hOff, syn1neg, dim, targets, n, alpha, neu1e, false);
        axpyTrain(1f, neu1e, 0, syn0, hOff, dim);                           // v_context -= alpha dL/dh
        return loss;
        // excerpt-end: skipGramStep
    }

    /**
     * CBOW's input: {@code h = (1/|C|) sum_{j in C} v_{w_j}} over the context {@code C} = positions
     * {@code lo..hi-1} of {@code sent} except the centre {@code i}.
     *
     * @param h receives the mean
     * @return {@code |C|} (0: no context, no example)
     */
    static int contextMean(float[] syn0, int dim, int[] sent, int i, int lo, int hi, float[] h) {
        Arrays.fill(h, 0f);
        int count = 0;
        for (int j = lo; j < hi; j++) {
            if (j != i) {
                axpyTrain(1f, syn0, sent[j] * dim, h, 0, dim);   // h += v_{w_j}
                count++;
            }
        }
        if (count > 0) {
            float inv = 1f / count;
            for (int d = 0; d < dim; d++) {
                h[d] *= inv;                                   // h /= |C|
            }
        }
        return count;
    }

    /**
     * CBOW, one centre word: {@code h} (from {@link #contextMean}) predicts {@code sent[i]}; since
     * {@code h} is a mean, {@code dL/dv_j = dL/dh / |C|}, but word2vec.c and gensim add the whole
     * {@code -alpha dL/dh} to every context vector, and so does this.
     *
     * @return the example's loss before the step
     */
    static double cbowStep(float[] syn0, float[] syn1neg, int dim, int[] sent, int i, int lo, int hi, float[] h,
                           int[] targets, int n, float alpha, float[] neu1e) {
        Arrays.fill(neu1e, 0f);
        double loss = negativeStep(h, 0, syn1neg, dim, targets, n, alpha, neu1e, false);
        for (int j = lo; j < hi; j++) {
            if (j != i) {
                axpyTrain(1f, neu1e, 0, syn0, sent[j] * dim, dim);   // v_{w_j} -= alpha dL/dh
            }
        }
        return loss;
    }

    private static final int EXP_TABLE_SIZE = 1000;
    private static final float MAX_EXP = 6f;
    /** {@code s(x)} at 1000 points of [-6, 6), as word2vec.c's {@code expTable}. */
    private static final float[] SIGMOID = new float[EXP_TABLE_SIZE];
    /** {@code -log s(x) = log(1 + e^-x)} at the same points, for the loss. */
    private static final float[] NEG_LOG_SIGMOID = new float[EXP_TABLE_SIZE];

    static {
        for (int i = 0; i < EXP_TABLE_SIZE; i++) {
            double x = (i / (double) EXP_TABLE_SIZE * 2 - 1) * MAX_EXP;
            SIGMOID[i] = (float) (1 / (1 + Math.exp(-x)));
            NEG_LOG_SIGMOID[i] = (float) Math.log1p(Math.exp(-x));
        }
    }

    /**
     * One negative-sampling SGD step for the hidden vector {@code h}: for each target {@code t} (the first
     * is the true word, label 1; the rest are noise words, label 0), {@code g = alpha (y_t - s(u_t . h))},
     * {@code neu1e += g u_t}, {@code u_t += g h}. The caller then adds {@code neu1e} to the input vector(s).
     *
     * @param h       array holding the hidden vector at {@code hOff}
     * @param syn1    output vectors, row-major
     * @param dim     vector dimension
     * @param targets word indices, true word first
     * @param n       how many of {@code targets} to use
     * @param alpha   learning rate
     * @param neu1e   accumulates {@code -alpha dL/dh}
     * @param exact   exact sigmoid (for checks) instead of the 1000-entry table clipped at |x| = 6
     * @return the loss {@code -log s(u_o . h) - sum log s(-u_n . h)} before the step
     */
    public static double negativeStep(float[] h, int hOff, float[] syn1, int dim, int[] targets, int n, float alpha,
                                      float[] neu1e, boolean exact) {
        // excerpt-begin: negativeStep
        double loss = 0;
        for (int k = 0; k < n; k++) {
            int l2 = targets[k] * dim;                        // row of u_t in syn1
            float label = k == 0 ? 1f : 0f;                   // y_t
            float f = dotTrain(h, hOff, syn1, l2, dim);       // u_t . h
            float sig = sigmoid(f, exact);                    // s(u_t . h)
            loss += negLogSigmoid(k == 0 ? f : -f, exact);    // the loss term -log s(+-u_t . h)
            float g = (label - sig) * alpha;                  // g = alpha (y_t - s(u_t . h)) = -alpha dL/d(u_t . h)
            updateTrain(g, syn1, l2, h, hOff, neu1e, dim);    // neu1e += g u_t; u_t += g h
        }
        return loss;
        // excerpt-end: negativeStep
    }

    /** @return {@code s(f) = 1 / (1 + e^-f)}: exact, or from the table clipped at |f| = 6 (as word2vec.c) */
    static float sigmoid(float f, boolean exact) {
        if (exact) {
            return (float) (1 / (1 + Math.exp(-f)));
        }
        if (f >= MAX_EXP) {
            return 1f;
        } else if (f <= -MAX_EXP) {
            return 0f;
        }
        return SIGMOID[(int) ((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
    }

    /** @return {@code -log s(x) = log(1 + e^-x)}: exact, or from the table (0 above 6, {@code -x} below -6) */
    static double negLogSigmoid(float x, boolean exact) {
        if (exact) {
            return Math.log1p(Math.exp(-x));
        }
        if (x >= MAX_EXP) {
            return 0;
        } else if (x <= -MAX_EXP) {
            return -x;
        }
        return NEG_LOG_SIGMOID[(int) ((x + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
    }

    // The three loops the update spends its time in. Training runs them on the Vector API where the JVM has
    // it (VectorKernels: the same bits, about twice as fast); these scalar forms define the arithmetic.

    /** {@code neu1e += g u_t; u_t += g h}, in one pass over {@code u_t} (row {@code l2} of {@code syn1}). */
    static void update(float g, float[] syn1, int l2, float[] h, int hOff, float[] neu1e, int dim) {
        // excerpt-begin: update
        for (int i = 0; i < dim; i++) {
            float ui = syn1[l2 + i];
            neu1e[i] += g * ui;                   // neu1e += g u_t: target t's share of -alpha dL/dh
            syn1[l2 + i] = ui + g * h[hOff + i];  // u_t += g h = u_t - alpha dL/du_t
        }
        // excerpt-end: update
    }

    /** Dot product with four partial sums (a fixed order, so results are reproducible). */
    static float dot(float[] a, int ao, float[] b, int bo, int n) {
        float s0 = 0;
        float s1 = 0;
        float s2 = 0;
        float s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[ao + i] * b[bo + i];
            s1 += a[ao + i + 1] * b[bo + i + 1];
            s2 += a[ao + i + 2] * b[bo + i + 2];
            s3 += a[ao + i + 3] * b[bo + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[ao + i] * b[bo + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code y[yo..] += a * x[xo..]}. */
    static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] += a * x[xo + i];
        }
    }

    private static void axpyTrain(float a, float[] x, int xo, float[] y, int yo, int n) {
        if (SIMD) {
            VectorKernels.axpy(a, x, xo, y, yo, n);
        } else {
            axpy(a, x, xo, y, yo, n);
        }
    }

    private static float dotTrain(float[] a, int ao, float[] b, int bo, int n) {
        return SIMD ? VectorKernels.dot(a, ao, b, bo, n) : dot(a, ao, b, bo, n);
    }

    private static void updateTrain(float g, float[] syn1, int l2, float[] h, int hOff, float[] neu1e, int dim) {
        if (SIMD) {
            VectorKernels.update(g, syn1, l2, h, hOff, neu1e, dim);
        } else {
            update(g, syn1, l2, h, hOff, neu1e, dim);
        }
    }

    /**
     * Whether training runs {@link #dot}, {@link #update} and {@link #axpy} through the Vector API (see
     * {@code VectorKernels}): when the JVM was started with {@code --add-modules jdk.incubator.vector} (the
     * kernel, the tests and the benchmark are), the hardware has 128-bit vectors and a self-test gives the
     * scalar results bit for bit, unless {@code -Dnnzoo.word2vec.simd=false}. The vectors do not depend on it.
     */
    static final boolean SIMD = simdAvailable();

    /** @return whether training uses the Vector API (same results, about twice as fast) */
    public static boolean simd() {
        return SIMD;
    }

    private static boolean simdAvailable() {
        // checked here, so that VectorKernels (and the incubator module) is never loaded on a JVM without it
        if (!Boolean.parseBoolean(System.getProperty("nnzoo.word2vec.simd", "true"))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernels.matchesScalar();
        } catch (LinkageError | RuntimeException e) {  // module not readable, species unsupported, ...
            return false;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Queries

    /** @return skip-gram or CBOW ({@code null} for vectors loaded from a file) */
    public Architecture architecture() {
        return architecture;
    }

    /** @return the vector dimension */
    public int dimension() {
        return dim;
    }

    /** @return the vocabulary, most frequent first (a copy) */
    public String[] words() {
        return words.clone();
    }

    /** @return number of words in the vocabulary */
    public int size() {
        return words.length;
    }

    /** @return whether the word has a vector */
    public boolean contains(String word) {
        return index.containsKey(word);
    }

    /** @return the word's corpus count (0 for vectors loaded from a file) */
    public long count(String word) {
        return counts == null ? 0 : counts[indexOf(word)];
    }

    /** @return the per-epoch loss, words/s and seconds (empty for loaded vectors) */
    public History history() {
        return stats.history();
    }

    /** @return seconds spent training (without building the vocabulary) */
    public double trainSeconds() {
        return stats.seconds();
    }

    /**
     * @return CPU seconds the whole JVM process used while training (all threads, JIT and GC included;
     *     NaN where the JVM cannot tell): on a busy machine a fairer speed measure than wall-clock time
     */
    public double trainCpuSeconds() {
        return stats.cpuSeconds();
    }

    /** @return corpus words processed per CPU second of the process ({@link #trainCpuSeconds}) */
    public double wordsPerCpuSecond() {
        return stats.cpuSeconds() > 0 ? stats.words() / stats.cpuSeconds() : Double.NaN;
    }

    /**
     * @return training examples per second: (context, word) pairs for skip-gram, centre words for CBOW,
     *     each with its noise words
     */
    public double examplesPerSecond() {
        return stats.seconds() > 0 ? stats.examples() / stats.seconds() : Double.NaN;
    }

    /** @return corpus words (all tokens, as gensim counts them) processed per second of training */
    public double wordsPerSecond() {
        return stats.seconds() > 0 ? stats.words() / stats.seconds() : Double.NaN;
    }

    /** @return a copy of the word's vector (its row of the input matrix) */
    public float[] vector(String word) {
        int i = indexOf(word);
        return Arrays.copyOfRange(syn0, i * dim, (i + 1) * dim);
    }

    /** @return the cosine similarity of two words' vectors */
    public double similarity(String a, String b) {
        return unitVectors().cosine(indexOf(a), indexOf(b));
    }

    /**
     * @param word a vocabulary word
     * @param k how many neighbours
     * @return the {@code k} words with the most similar vectors (cosine), most similar first, the word
     *     itself excluded
     */
    public List<Neighbour> mostSimilar(String word, int k) {
        int i = indexOf(word);
        UnitVectors u = unitVectors();
        return u.nearest(u.row(i), k, new int[] {i});
    }

    /**
     * "a is to b as c is to ?": the words nearest to {@code unit(b) - unit(a) + unit(c)} (normalised), the
     * three query words excluded (as gensim's {@code most_similar(positive=[b, c], negative=[a])}).
     *
     * @return the {@code k} best answers, best first
     */
    public List<Neighbour> analogy(String a, String b, String c, int k) {
        int ia = indexOf(a);
        int ib = indexOf(b);
        int ic = indexOf(c);
        UnitVectors u = unitVectors();
        return u.nearest(u.analogyQuery(ia, ib, ic), k, new int[] {ia, ib, ic});
    }

    private int indexOf(String word) {
        Integer i = word == null ? null : index.get(word);
        if (i == null) {
            throw new IllegalArgumentException("'" + word + "' is not in the vocabulary (" + words.length
                    + " words" + (counts != null ? ", those seen at least minCount times" : "")
                    + "). Check the spelling and case (the notebook lower-cases), or lower minCount.");
        }
        return i;
    }

    private synchronized UnitVectors unitVectors() {
        if (unit == null) {
            unit = new UnitVectors(words, syn0, dim);
        }
        return unit;
    }

    /**
     * Projects the words' unit-length vectors (the geometry cosine similarity sees) onto their first two
     * principal components ({@link Pca#project}), for a 2-D map.
     *
     * @param list the words (at least 3)
     * @return {@code [n][2]} coordinates
     */
    public double[][] pca2(List<String> list) {
        int n = list.size();
        if (n < 3) {
            throw new IllegalArgumentException("pca2 needs at least 3 words, got " + n);
        }
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = unitVectors().row(indexOf(list.get(i)));
        }
        return Pca.project(rows, 2);
    }

    // ------------------------------------------------------------------------------------------------
    // Files

    /**
     * Saves the vectors in the word2vec text format (first line {@code "<words> <dimension>"}, then one line
     * per word: the word and its values), readable by gensim's {@code KeyedVectors.load_word2vec_format}.
     * Values are written as Java's shortest round-trip decimal, so {@link #load} restores them exactly.
     *
     * @param file the file to write (UTF-8)
     */
    public void save(Path file) {
        VectorsFile.write(file, words, syn0, dim);
    }

    /**
     * Loads vectors saved in the word2vec text format (by {@link #save}, word2vec.c {@code -binary 0} or
     * gensim's {@code save_word2vec_format(binary=False)}).
     *
     * @param file the file
     * @return the vectors (queryable; not trainable further)
     * @throws IllegalArgumentException naming the file and line if it is not in that format
     */
    public static Word2Vec load(Path file) {
        VectorsFile.Read r = VectorsFile.read(file);
        return new Word2Vec(null, r.dim(), r.words(), null, r.vectors(), null, Hogwild.Stats.none());
    }
}
