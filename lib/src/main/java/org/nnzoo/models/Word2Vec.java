package org.nnzoo.models;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.nnzoo.train.History;
import org.nnzoo.train.ProgressView;

/**
 * Word2Vec: word embeddings learnt by predicting a word's neighbours, with negative sampling (SGNS).
 * T. Mikolov, K. Chen, G. Corrado, J. Dean, <i>Efficient Estimation of Word Representations in Vector
 * Space</i>, ICLR workshop 2013 (skip-gram and CBOW), and T. Mikolov, I. Sutskever, K. Chen, G. Corrado,
 * J. Dean, <i>Distributed Representations of Words and Phrases and their Compositionality</i>, NIPS 2013
 * (negative sampling, frequent-word subsampling).
 *
 * <p>Each word {@code w} has an input vector {@code v_w} (row of {@code syn0}, the embedding) and an output
 * vector {@code u_w} (row of {@code syn1neg}). For an input {@code h} (skip-gram: {@code v} of one context
 * word; CBOW: the mean of the context words' {@code v}) predicting the word {@code o} with {@code k} noise
 * words {@code n_i} drawn from the unigram distribution raised to 3/4, the loss is
 * {@code L = -log s(u_o . h) - sum_i log s(-u_{n_i} . h)}, {@code s} the logistic sigmoid. Its gradients are
 * {@code dL/du_t = -(y_t - s(u_t . h)) h} and {@code dL/dh = -sum_t (y_t - s(u_t . h)) u_t}
 * ({@code y_o = 1}, {@code y_n = 0}); plain SGD with a learning rate decaying linearly from
 * {@code alpha} to {@code minAlpha} applies them one example at a time.
 *
 * <p>This is a hand-written trainer on plain {@code float[]} arrays following the reference
 * {@code word2vec.c} and gensim 4 ({@code word2vec_inner.pyx}): the same defaults, reduced random window,
 * subsampling formula, {@code count^0.75} noise distribution (here as an alias table, see {@link NoiseTable}),
 * 1000-entry sigmoid table clipped at |x| = 6, 48-bit linear congruential generator, jobs of about 10,000
 * words. {@link #maxGradientErrorVsAutograd} checks the update against DJL's autograd on the same loss, and
 * {@link Autograd} is the whole model as a DJL block trained by {@link org.nnzoo.train.Fit}, for comparison.
 *
 * <p><b>Threads and determinism.</b> With {@code workers(1)} (the default) training is deterministic:
 * every job draws from its own generator seeded by (seed, epoch, job), so the same corpus and seed give
 * the same vectors bit for bit. With more workers, threads update the shared arrays without locks
 * ("Hogwild", as word2vec.c and gensim do), which is faster but not reproducible, exactly like gensim
 * with more than one worker. A deterministic parallel scheme (per-thread copies merged in a fixed order)
 * would change the algorithm and cost memory traffic; the notebooks use one worker.
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

    private static final int EXP_TABLE_SIZE = 1000;
    private static final float MAX_EXP = 6f;
    private static final float[] SIGMOID = new float[EXP_TABLE_SIZE];
    private static final float[] NEG_LOG_SIGMOID = new float[EXP_TABLE_SIZE];
    /** Words per job, as gensim's {@code batch_words}. */
    static final int JOB_WORDS = 10_000;

    static {
        for (int i = 0; i < EXP_TABLE_SIZE; i++) {
            double x = (i / (double) EXP_TABLE_SIZE * 2 - 1) * MAX_EXP;
            SIGMOID[i] = (float) (1 / (1 + Math.exp(-x)));
            NEG_LOG_SIGMOID[i] = (float) Math.log1p(Math.exp(-x));
        }
    }

    private final Architecture architecture;
    private final int dim;
    private final String[] words;
    private final long[] counts;
    private final Map<String, Integer> index;
    private final float[] syn0;
    private final float[] syn1neg;
    private final History history;
    private final double trainSeconds;
    private final double trainCpuSeconds;
    private final long trainedWords;
    private long trainedExamples;
    private float[] unit;

    private Word2Vec(Architecture architecture, int dim, String[] words, long[] counts, float[] syn0,
                     float[] syn1neg, History history, double trainSeconds, double trainCpuSeconds, long trainedWords) {
        this.architecture = architecture;
        this.dim = dim;
        this.words = words;
        this.counts = counts;
        this.syn0 = syn0;
        this.syn1neg = syn1neg;
        this.history = history;
        this.trainSeconds = trainSeconds;
        this.trainCpuSeconds = trainCpuSeconds;
        this.trainedWords = trainedWords;
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

    // ------------------------------------------------------------------------------------------------
    // Training

    /** Hyper-parameters (gensim 4 names and defaults) and the training loop. */
    public static final class Trainer {
        private final Architecture architecture;
        private int vectorSize = 100;
        private int window = 5;
        private int minCount = 5;
        private int negative = 5;
        private double nsExponent = 0.75;
        private double sample = 1e-3;
        private double alpha = 0.025;
        private double minAlpha = 1e-4;
        private int epochs = 5;
        private long seed = 1;
        private int workers = 1;
        private String title;
        private boolean progress = true;

        private Trainer(Architecture architecture) {
            this.architecture = architecture;
        }

        /** @param n dimension of the word vectors (gensim {@code vector_size}, default 100) */
        public Trainer vectorSize(int n) {
            this.vectorSize = positive(n, "vectorSize");
            return this;
        }

        /** @param n largest distance between centre and context word (default 5) */
        public Trainer window(int n) {
            this.window = positive(n, "window");
            return this;
        }

        /** @param n words seen fewer times are dropped from the vocabulary (default 5) */
        public Trainer minCount(int n) {
            this.minCount = positive(n, "minCount");
            return this;
        }

        /** @param n noise words per positive example (default 5) */
        public Trainer negative(int n) {
            this.negative = positive(n, "negative");
            return this;
        }

        /** @param e exponent of the noise distribution {@code count^e} (default 0.75) */
        public Trainer nsExponent(double e) {
            this.nsExponent = e;
            return this;
        }

        /** @param t subsampling threshold (default 1e-3; 0 switches subsampling off) */
        public Trainer sample(double t) {
            if (t < 0) {
                throw new IllegalArgumentException("sample must be >= 0 (0 = no subsampling), got " + t);
            }
            this.sample = t;
            return this;
        }

        /**
         * @param start initial learning rate (default 0.025)
         * @param end   final learning rate, reached linearly at the end of the last epoch (default 1e-4)
         */
        public Trainer alpha(double start, double end) {
            if (!(start > 0) || end < 0 || end > start) {
                throw new IllegalArgumentException("need 0 <= end <= start and start > 0 for the learning rate, got start "
                        + start + ", end " + end);
            }
            this.alpha = start;
            this.minAlpha = end;
            return this;
        }

        /** @param n passes over the corpus (default 5) */
        public Trainer epochs(int n) {
            this.epochs = positive(n, "epochs");
            return this;
        }

        /** @param s seed of the initial vectors and of all random draws */
        public Trainer seed(long s) {
            this.seed = s;
            return this;
        }

        /** @param n training threads; 1 (default) is deterministic, more is faster but not reproducible */
        public Trainer workers(int n) {
            this.workers = positive(n, "workers");
            return this;
        }

        /** @param t heading of the progress view */
        public Trainer title(String t) {
            this.title = t;
            return this;
        }

        /** @param on whether to show progress (notebook view or one line per epoch); default on */
        public Trainer progress(boolean on) {
            this.progress = on;
            return this;
        }

        /**
         * Builds the vocabulary and trains.
         *
         * @param sentences the corpus, one token array per sentence
         * @return the trained vectors
         * @throws IllegalArgumentException if the corpus is empty or {@code minCount} removes every word
         */
        public Word2Vec train(List<String[]> sentences) {
            if (sentences == null || sentences.isEmpty()) {
                throw new IllegalArgumentException("sentences is empty: Word2Vec needs a corpus of token arrays,"
                        + " e.g. Abc.load().lowerCasedSentences()");
            }
            Vocab vocab = Vocab.build(sentences, minCount);
            return new Run(this, vocab, sentences).train();
        }

        private static int positive(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be >= 1, got " + n);
            }
            return n;
        }
    }

    /** Words with count >= minCount, most frequent first, and the noise table. */
    static final class Vocab {
        final String[] words;
        final long[] counts;
        final Map<String, Integer> index;
        final long rawWords;

        private Vocab(String[] words, long[] counts, long rawWords) {
            this.words = words;
            this.counts = counts;
            this.rawWords = rawWords;
            this.index = new HashMap<>(words.length * 2);
            for (int i = 0; i < words.length; i++) {
                index.put(words[i], i);
            }
        }

        static Vocab build(List<String[]> sentences, int minCount) {
            Map<String, long[]> c = new LinkedHashMap<>();
            long raw = 0;
            for (String[] s : sentences) {
                if (s == null) {
                    throw new IllegalArgumentException("sentences holds a null sentence; pass token arrays");
                }
                for (String w : s) {
                    if (w == null) {
                        throw new IllegalArgumentException("a sentence holds a null token; pass non-null tokens");
                    }
                    c.computeIfAbsent(w, k -> new long[1])[0]++;
                    raw++;
                }
            }
            if (raw == 0) {
                throw new IllegalArgumentException("sentences holds " + sentences.size() + " sentences but no tokens:"
                        + " Word2Vec needs a non-empty corpus");
            }
            List<Map.Entry<String, long[]>> kept = new ArrayList<>();
            Map.Entry<String, long[]> top = null;
            for (Map.Entry<String, long[]> e : c.entrySet()) {
                if (top == null || e.getValue()[0] > top.getValue()[0]) {
                    top = e;
                }
                if (e.getValue()[0] >= minCount) {
                    kept.add(e);
                }
            }
            if (kept.isEmpty()) {
                throw new IllegalArgumentException("minCount=" + minCount + " removes every word: the corpus has "
                        + c.size() + " distinct tokens and the most frequent, '" + top.getKey() + "', occurs "
                        + top.getValue()[0] + " times. Lower minCount or use a larger corpus.");
            }
            kept.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));  // stable: ties keep first-seen order
            String[] w = new String[kept.size()];
            long[] n = new long[kept.size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = kept.get(i).getKey();
                n[i] = kept.get(i).getValue()[0];
            }
            return new Vocab(w, n, raw);
        }
    }

    /**
     * The noise distribution {@code P(w) = count_w^e / sum_v count_v^e} as a Walker/Vose alias table: two
     * arrays of the vocabulary's length, from which one draw costs two array reads whatever the vocabulary
     * size (word2vec.c uses a 10^8-entry table, gensim a cumulative table with binary search; all three
     * sample the same distribution, the alias table exactly and the fastest here).
     *
     * @param threshold {@code threshold[i] / 2^24}: probability of keeping column {@code i}
     * @param alias     the word that fills the rest of column {@code i}
     */
    public record NoiseTable(int[] threshold, int[] alias) {

        /**
         * @param counts   word counts (all positive)
         * @param exponent the exponent {@code e} (0.75)
         * @return the table
         */
        public static NoiseTable of(long[] counts, double exponent) {
            int n = counts.length;
            if (n == 0) {
                throw new IllegalArgumentException("counts is empty: the noise table needs at least one word");
            }
            double total = 0;
            for (long c : counts) {
                if (c <= 0) {
                    throw new IllegalArgumentException("counts must be positive, got " + c);
                }
                total += Math.pow(c, exponent);
            }
            double[] scaled = new double[n];
            int[] small = new int[n];
            int[] large = new int[n];
            int ns = 0;
            int nl = 0;
            for (int i = 0; i < n; i++) {
                scaled[i] = Math.pow(counts[i], exponent) / total * n;
                if (scaled[i] < 1) {
                    small[ns++] = i;
                } else {
                    large[nl++] = i;
                }
            }
            int[] threshold = new int[n];
            int[] alias = new int[n];
            while (ns > 0 && nl > 0) {
                int s = small[--ns];
                int l = large[--nl];
                threshold[s] = (int) Math.round(scaled[s] * (1 << 24));
                alias[s] = l;
                scaled[l] -= 1 - scaled[s];
                if (scaled[l] < 1) {
                    small[ns++] = l;
                } else {
                    large[nl++] = l;
                }
            }
            while (nl > 0) {
                int l = large[--nl];
                threshold[l] = 1 << 24;
                alias[l] = l;
            }
            while (ns > 0) {  // rounding leftovers: probability ~1
                int s = small[--ns];
                threshold[s] = 1 << 24;
                alias[s] = s;
            }
            return new NoiseTable(threshold, alias);
        }

        /**
         * @param r1 a random number whose bits 16..47 are uniform (picks the column)
         * @param r2 a random number whose bits 24..47 are uniform (picks the word in the column)
         * @return a word index drawn from the noise distribution
         */
        public int sample(long r1, long r2) {
            int i = (int) ((((r1 >>> 16) & 0xFFFFFFFFL) * threshold.length) >>> 32);
            return ((int) ((r2 >>> 24) & 0xFFFFFF)) < threshold[i] ? i : alias[i];
        }

        /** @return the probability of each word under this table (for checks) */
        public double[] probabilities() {
            int n = threshold.length;
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                double keep = threshold[i] / (double) (1 << 24);
                p[i] += keep / n;
                p[alias[i]] += (1 - keep) / n;
            }
            return p;
        }
    }

    private static long lcg(long x) {
        return (x * 25214903917L + 11) & 0xFFFFFFFFFFFFL;
    }

    private static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0xFFFFFFFFFFFFL;
    }

    /** One training run: shared arrays, jobs, threads. */
    private static final class Run {
        final Trainer t;
        final Vocab vocab;
        final int dim;
        final int[][] corpus;
        final int[] jobStart;
        final long[] jobRawStart;
        final float[] keep;
        final NoiseTable noise;
        final float[] syn0;
        final float[] syn1neg;
        final long rawPerEpoch;
        volatile boolean stop;

        Run(Trainer t, Vocab vocab, List<String[]> sentences) {
            this.t = t;
            this.vocab = vocab;
            this.dim = t.vectorSize;
            int v = vocab.words.length;
            corpus = new int[sentences.size()][];
            List<Integer> starts = new ArrayList<>();
            List<Long> rawStarts = new ArrayList<>();
            long raw = 0;
            long inJob = JOB_WORDS;
            for (int i = 0; i < corpus.length; i++) {
                String[] s = sentences.get(i);
                if (inJob >= JOB_WORDS) {
                    starts.add(i);
                    rawStarts.add(raw);
                    inJob = 0;
                }
                int[] ids = new int[s.length];
                int n = 0;
                for (String w : s) {
                    Integer id = vocab.index.get(w);
                    if (id != null) {
                        ids[n++] = id;
                    }
                }
                corpus[i] = Arrays.copyOf(ids, n);
                raw += s.length;
                inJob += s.length;
            }
            rawPerEpoch = raw;
            jobStart = new int[starts.size() + 1];
            jobRawStart = new long[starts.size()];
            for (int j = 0; j < starts.size(); j++) {
                jobStart[j] = starts.get(j);
                jobRawStart[j] = rawStarts.get(j);
            }
            jobStart[starts.size()] = corpus.length;
            // gensim's subsampling: keep a word with probability (sqrt(c / (s N)) + 1) (s N) / c, capped at 1
            keep = new float[v];
            long retained = 0;
            for (long c : vocab.counts) {
                retained += c;
            }
            double threshold = t.sample * retained;
            for (int i = 0; i < v; i++) {
                double c = vocab.counts[i];
                keep[i] = t.sample == 0 ? 1f : (float) Math.min(1, (Math.sqrt(c / threshold) + 1) * threshold / c);
            }
            noise = NoiseTable.of(vocab.counts, t.nsExponent);
            // initial vectors uniform in [-1/d, 1/d) like gensim 4 (its numpy generator differs); output zero
            syn0 = new float[v * dim];
            syn1neg = new float[v * dim];
            long r = mix(t.seed, 0x5EED);
            for (int i = 0; i < syn0.length; i++) {
                r = lcg(r);
                syn0[i] = ((r >>> 24) / (float) (1 << 24) * 2 - 1) / dim;
            }
        }

        Word2Vec train() {
            History history = new History();
            int jobs = jobStart.length - 1;
            ProgressView view = t.progress ? new ProgressView(t.title != null ? t.title
                    : (t.architecture == Architecture.SKIP_GRAM ? "Skip-gram" : "CBOW") + " word2vec, "
                    + vocab.words.length + " words x " + dim, t.epochs, jobs, history) : null;
            ExecutorService pool = Executors.newFixedThreadPool(t.workers, r -> {
                Thread th = new Thread(r, "word2vec");
                th.setDaemon(true);
                return th;
            });
            double totalSeconds = 0;
            double cpuStart = processCpuSeconds();
            long examples = 0;
            try {
                for (int epoch = 0; epoch < t.epochs; epoch++) {
                    double[] jobLoss = new double[jobs];
                    long[] jobPairs = new long[jobs];
                    AtomicInteger nextJob = new AtomicInteger();
                    AtomicInteger doneJobs = new AtomicInteger();
                    AtomicLong doneWords = new AtomicLong();
                    final int e = epoch;
                    long start = System.nanoTime();
                    List<Future<?>> futures = new ArrayList<>();
                    for (int w = 0; w < t.workers; w++) {
                        futures.add(pool.submit(() -> {
                            Worker worker = new Worker(this);
                            for (int j = nextJob.getAndIncrement(); j < jobs && !stop; j = nextJob.getAndIncrement()) {
                                worker.runJob(e, j);
                                jobLoss[j] = worker.loss;
                                jobPairs[j] = worker.pairs;
                                doneWords.addAndGet(worker.rawWords);
                                doneJobs.incrementAndGet();
                            }
                        }));
                    }
                    waitFor(futures, view, e, doneJobs, doneWords, jobLoss, jobPairs, start);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    totalSeconds += seconds;
                    double loss = 0;
                    long pairs = 0;
                    for (int j = 0; j < jobs; j++) {
                        loss += jobLoss[j];
                        pairs += jobPairs[j];
                    }
                    examples += pairs;
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("loss", pairs == 0 ? Double.NaN : loss / pairs);
                    row.put("words_per_s", rawPerEpoch / seconds);
                    row.put("seconds", seconds);
                    history.add(row);
                    if (view != null) {
                        view.epoch(epoch, row);
                    }
                }
            } finally {
                stop = true;
                pool.shutdownNow();
            }
            Word2Vec w2v = new Word2Vec(t.architecture, dim, vocab.words, vocab.counts, syn0, syn1neg, history,
                    totalSeconds, processCpuSeconds() - cpuStart, rawPerEpoch * t.epochs);
            w2v.trainedExamples = examples;
            return w2v;
        }

        private void waitFor(List<Future<?>> futures, ProgressView view, int epoch, AtomicInteger doneJobs,
                             AtomicLong doneWords, double[] jobLoss, long[] jobPairs, long start) {
            for (Future<?> f : futures) {
                while (true) {
                    try {
                        f.get(200, TimeUnit.MILLISECONDS);
                        break;
                    } catch (TimeoutException te) {
                        if (view != null) {
                            int done = doneJobs.get();
                            double l = 0;
                            long p = 0;
                            for (int j = 0; j < jobLoss.length; j++) {
                                l += jobLoss[j];
                                p += jobPairs[j];
                            }
                            double secs = (System.nanoTime() - start) / 1e9;
                            view.batch(epoch, done, p == 0 ? Double.NaN : l / p, Double.NaN, doneWords.get() / secs);
                        }
                    } catch (InterruptedException ie) {
                        stop = true;
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("word2vec training interrupted in epoch " + (epoch + 1), ie);
                    } catch (java.util.concurrent.ExecutionException ee) {
                        stop = true;
                        throw new IllegalStateException("word2vec training failed: " + ee.getCause(), ee.getCause());
                    }
                }
            }
        }
    }

    /** Per-thread state: buffers and the current job's totals. */
    private static final class Worker {
        final Run run;
        final int dim;
        final float[] neu1;
        final float[] neu1e;
        final int[] buf = new int[16];
        final int[] targets;
        int[] sent = new int[256];
        double loss;
        long pairs;
        long rawWords;
        long next;

        Worker(Run run) {
            this.run = run;
            this.dim = run.dim;
            neu1 = new float[dim];
            neu1e = new float[dim];
            targets = new int[run.t.negative + 1];
        }

        void runJob(int epoch, int job) {
            Trainer t = run.t;
            double progress = (epoch * (double) run.rawPerEpoch + run.jobRawStart[job]) / (t.epochs * (double) run.rawPerEpoch);
            float alpha = (float) Math.max(t.minAlpha, t.alpha - (t.alpha - t.minAlpha) * progress);
            next = mix(t.seed, ((long) epoch << 32) | job);
            loss = 0;
            pairs = 0;
            rawWords = 0;
            boolean sg = t.architecture == Architecture.SKIP_GRAM;
            int window = t.window;
            float[] keep = run.keep;
            for (int s = run.jobStart[job]; s < run.jobStart[job + 1]; s++) {
                int[] ids = run.corpus[s];
                if (sent.length < ids.length) {
                    sent = new int[ids.length];
                }
                int n = 0;
                for (int id : ids) {
                    if (keep[id] < 1f) {
                        next = lcg(next);
                        if (keep[id] < (next >>> 24) / (float) (1 << 24)) {
                            continue;
                        }
                    }
                    sent[n++] = id;
                }
                for (int i = 0; i < n; i++) {
                    next = lcg(next);
                    int b = (int) ((next >>> 16) % window);
                    int lo = Math.max(0, i - window + b);
                    int hi = Math.min(n, i + window + 1 - b);
                    if (sg) {
                        for (int j = lo; j < hi; j++) {
                            if (j != i) {
                                skipGramPair(sent[i], sent[j], alpha);
                            }
                        }
                    } else {
                        cbowWord(sent, i, lo, hi, alpha);
                    }
                }
            }
            long end = job + 1 < run.jobRawStart.length ? run.jobRawStart[job + 1] : run.rawPerEpoch;
            rawWords = end - run.jobRawStart[job];
        }

        private int drawTargets(int word) {
            targets[0] = word;
            int n = 1;
            for (int d = 0; d < run.t.negative; d++) {
                long r1 = lcg(next);
                next = lcg(r1);
                int target = run.noise.sample(r1, next);
                if (target != word) {
                    targets[n++] = target;
                }
            }
            return n;
        }

        private void skipGramPair(int word, int context, float alpha) {
            int n = drawTargets(word);
            Arrays.fill(neu1e, 0f);
            loss += negativeStep(run.syn0, context * dim, run.syn1neg, dim, targets, n, alpha, neu1e, false);
            pairs++;
            axpyTrain(1f, neu1e, 0, run.syn0, context * dim, dim);
        }

        private void cbowWord(int[] s, int i, int lo, int hi, float alpha) {
            Arrays.fill(neu1, 0f);
            int count = 0;
            for (int j = lo; j < hi; j++) {
                if (j != i) {
                    axpyTrain(1f, run.syn0, s[j] * dim, neu1, 0, dim);
                    count++;
                }
            }
            if (count == 0) {
                return;
            }
            float inv = 1f / count;
            for (int d = 0; d < dim; d++) {
                neu1[d] *= inv;
            }
            int n = drawTargets(s[i]);
            Arrays.fill(neu1e, 0f);
            loss += negativeStep(neu1, 0, run.syn1neg, dim, targets, n, alpha, neu1e, false);
            pairs++;
            for (int j = lo; j < hi; j++) {
                if (j != i) {
                    axpyTrain(1f, neu1e, 0, run.syn0, s[j] * dim, dim);
                }
            }
        }
    }

    /**
     * One negative-sampling SGD step for the hidden vector {@code h}: for each target {@code t} (the first
     * is the positive word, label 1; the rest are noise words, label 0), {@code g = alpha (y_t - s(u_t . h))},
     * {@code neu1e += g u_t}, {@code u_t += g h}. The caller then adds {@code neu1e} to the input vector(s).
     *
     * @param h       array holding the hidden vector at {@code hOff}
     * @param syn1    output vectors, row-major
     * @param dim     vector dimension
     * @param targets word indices, positive first
     * @param n       how many of {@code targets} to use
     * @param alpha   learning rate
     * @param neu1e   accumulates {@code -alpha dL/dh}
     * @param exact   exact sigmoid (for checks) instead of the 1000-entry table clipped at |x| = 6
     * @return the loss {@code -log s(u_o . h) - sum log s(-u_n . h)} before the step
     */
    static double negativeStep(float[] h, int hOff, float[] syn1, int dim, int[] targets, int n, float alpha,
                               float[] neu1e, boolean exact) {
        double loss = 0;
        for (int k = 0; k < n; k++) {
            int l2 = targets[k] * dim;
            float label = k == 0 ? 1f : 0f;
            float f = SIMD ? VectorKernels.dot(h, hOff, syn1, l2, dim) : dot(h, hOff, syn1, l2, dim);
            float sig;
            float signed = k == 0 ? f : -f;
            if (exact) {
                sig = (float) (1 / (1 + Math.exp(-f)));
                loss += Math.log1p(Math.exp(-signed));
            } else {
                if (f >= MAX_EXP) {
                    sig = 1f;
                } else if (f <= -MAX_EXP) {
                    sig = 0f;
                } else {
                    sig = SIGMOID[(int) ((f + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
                }
                if (signed >= MAX_EXP) {
                    loss += 0;
                } else if (signed <= -MAX_EXP) {
                    loss += -signed;
                } else {
                    loss += NEG_LOG_SIGMOID[(int) ((signed + MAX_EXP) * (EXP_TABLE_SIZE / MAX_EXP / 2))];
                }
            }
            float g = (label - sig) * alpha;
            if (SIMD) {
                VectorKernels.update(g, syn1, l2, h, hOff, neu1e, dim);
            } else {
                update(g, syn1, l2, h, hOff, neu1e, dim);
            }
        }
        return loss;
    }

    /** {@code neu1e += g u_t; u_t += g h}, in one pass over {@code u_t} (row {@code l2} of {@code syn1}). */
    static void update(float g, float[] syn1, int l2, float[] h, int hOff, float[] neu1e, int dim) {
        for (int i = 0; i < dim; i++) {
            float ui = syn1[l2 + i];
            neu1e[i] += g * ui;
            syn1[l2 + i] = ui + g * h[hOff + i];
        }
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

    // ------------------------------------------------------------------------------------------------
    // SIMD: the same arithmetic with the Vector API where the JVM has it

    /**
     * Whether training runs its three kernels ({@link #dot}, {@link #update}, {@link #axpy}) through the
     * Vector API ({@code jdk.incubator.vector}, JDK 16+): true when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} (the kernel, the tests and the benchmark are), the
     * hardware has 128-bit vectors, and a self-test gives bit for bit the scalar results, unless
     * {@code -Dnnzoo.word2vec.simd=false}. C2 does not vectorise the scalar loops here (a float sum is
     * not reassociated, and the update writes two arrays it cannot prove distinct), so this is about
     * 2-3x faster per kernel; gensim gets the same from BLAS {@code sdot}/{@code saxpy}.
     *
     * <p>The results do not depend on it: the vector dot product keeps four partial sums in the four
     * lanes of a 128-bit vector, added in the same order as {@link #dot}'s four scalar sums, and the
     * element-wise kernels round exactly like their scalar loops (Java never fuses a multiply-add), so
     * training gives the same vectors bit for bit either way ({@code Word2VecTest} checks it).
     */
    static final boolean SIMD = simdAvailable();

    /** @return whether training uses the Vector API (see {@link #SIMD}) */
    public static boolean simd() {
        return SIMD;
    }

    private static boolean simdAvailable() {
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

    /**
     * The Vector API versions of {@link #dot}, {@link #update} and {@link #axpy}, bit for bit equal to
     * them. Only touched when {@link #SIMD} is true, so this class (and the incubator module) is never
     * loaded on a JVM without {@code --add-modules jdk.incubator.vector}.
     */
    static final class VectorKernels {
        private static final jdk.incubator.vector.VectorSpecies<Float> S4 = jdk.incubator.vector.FloatVector.SPECIES_128;
        private static final jdk.incubator.vector.VectorSpecies<Float> SP = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;

        private VectorKernels() {
        }

        /** {@link Word2Vec#dot}: lane k of one 128-bit vector is its partial sum {@code s_k}. */
        static float dot(float[] a, int ao, float[] b, int bo, int n) {
            jdk.incubator.vector.FloatVector acc = jdk.incubator.vector.FloatVector.zero(S4);
            int i = 0;
            for (; i + 3 < n; i += 4) {
                acc = acc.add(jdk.incubator.vector.FloatVector.fromArray(S4, a, ao + i)
                        .mul(jdk.incubator.vector.FloatVector.fromArray(S4, b, bo + i)));
            }
            float s0 = acc.lane(0);
            for (; i < n; i++) {
                s0 += a[ao + i] * b[bo + i];
            }
            return (s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
        }

        /** {@link Word2Vec#update}. */
        static void update(float g, float[] syn1, int l2, float[] h, int hOff, float[] neu1e, int dim) {
            int i = 0;
            for (int up = SP.loopBound(dim); i < up; i += SP.length()) {
                jdk.incubator.vector.FloatVector u = jdk.incubator.vector.FloatVector.fromArray(SP, syn1, l2 + i);
                jdk.incubator.vector.FloatVector.fromArray(SP, neu1e, i).add(u.mul(g)).intoArray(neu1e, i);
                u.add(jdk.incubator.vector.FloatVector.fromArray(SP, h, hOff + i).mul(g)).intoArray(syn1, l2 + i);
            }
            for (; i < dim; i++) {
                float ui = syn1[l2 + i];
                neu1e[i] += g * ui;
                syn1[l2 + i] = ui + g * h[hOff + i];
            }
        }

        /** {@link Word2Vec#axpy}. */
        static void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
            int i = 0;
            for (int up = SP.loopBound(n); i < up; i += SP.length()) {
                jdk.incubator.vector.FloatVector.fromArray(SP, y, yo + i)
                        .add(jdk.incubator.vector.FloatVector.fromArray(SP, x, xo + i).mul(a)).intoArray(y, yo + i);
            }
            for (; i < n; i++) {
                y[yo + i] += a * x[xo + i];
            }
        }

        /**
         * @return whether the hardware has vectors of at least 128 bits (else the Vector API would run its
         *     slow Java fallback) and the three kernels give the scalar results bit for bit on random data
         */
        static boolean matchesScalar() {
            if (SP.vectorBitSize() < 128) {
                return false;
            }
            java.util.SplittableRandom r = new java.util.SplittableRandom(42);
            for (int n : new int[] {1, 3, 4, 7, 20, 37, 100, 300}) {
                float[] a = new float[n + 5];
                float[] b = new float[n + 7];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) r.nextDouble(-1, 1);
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = (float) r.nextDouble(-1, 1);
                }
                if (Float.floatToRawIntBits(dot(a, 5, b, 7, n)) != Float.floatToRawIntBits(Word2Vec.dot(a, 5, b, 7, n))) {
                    return false;
                }
                float[] u1 = b.clone();
                float[] u2 = b.clone();
                float[] e1 = new float[n];
                float[] e2 = new float[n];
                update(0.37f, u1, 7, a, 5, e1, n);
                Word2Vec.update(0.37f, u2, 7, a, 5, e2, n);
                axpy(-0.61f, a, 5, u1, 7, n);
                Word2Vec.axpy(-0.61f, a, 5, u2, 7, n);
                if (!Arrays.equals(u1, u2) || !Arrays.equals(e1, e2)) {
                    return false;
                }
            }
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------------
    // The DJL / autograd formulation, for checking the hand-written update

    /**
     * Checks the hand-written negative-sampling gradient against DJL's autograd on one random example:
     * a hidden vector {@code h}, one positive and {@code k} noise output vectors. Autograd differentiates
     * {@code L = -log s(u_o . h) - sum_i log s(-u_i . h)} (float64); the hand-written step
     * ({@link #negativeStep} with {@code alpha = 1}) must have moved each {@code u_t} by {@code -dL/du_t} and
     * accumulated {@code -dL/dh}.
     *
     * @param dim    vector size
     * @param k      number of noise words
     * @param seed   seed of the random example
     * @param exact  exact sigmoid, or the training's sigmoid table (differs by up to about 0.01 of the gradient)
     * @return the largest absolute difference over all gradient entries
     */
    public static double maxGradientErrorVsAutograd(int dim, int k, long seed, boolean exact) {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
        float[] h = new float[dim];
        float[] u = new float[(k + 1) * dim];
        for (int i = 0; i < dim; i++) {
            h[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < u.length; i++) {
            u[i] = (float) rnd.nextDouble(-1, 1) * 0.5f;
        }
        double[] h64 = toDouble(h);
        double[] u64 = toDouble(u);
        int[] targets = new int[k + 1];
        for (int i = 0; i <= k; i++) {
            targets[i] = i;
        }
        float[] uAfter = u.clone();
        float[] neu1e = new float[dim];
        negativeStep(h, 0, uAfter, dim, targets, k + 1, 1f, neu1e, exact);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray hv = m.create(h64);
            NDArray uv = m.create(u64, new ai.djl.ndarray.types.Shape(k + 1, dim));
            hv.setRequiresGradient(true);
            uv.setRequiresGradient(true);
            double[] sign = new double[k + 1];
            Arrays.fill(sign, -1);
            sign[0] = 1;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray scores = uv.matMul(hv).mul(m.create(sign));          // +u_o.h, -u_i.h
                NDArray loss = scores.neg().exp().add(1).log().sum();        // sum -log s(score)
                gc.backward(loss);
            }
            double[] gh = hv.getGradient().toDoubleArray();
            double[] gu = uv.getGradient().toDoubleArray();
            double err = 0;
            for (int i = 0; i < dim; i++) {
                err = Math.max(err, Math.abs(neu1e[i] - (-gh[i])));
            }
            for (int i = 0; i < u.length; i++) {
                err = Math.max(err, Math.abs((uAfter[i] - u[i]) - (-gu[i])));
            }
            return err;
        }
    }

    /**
     * The same skip-gram model as a DJL block, trained by autograd through {@link org.nnzoo.train.Fit}: for
     * teaching and comparison on a small scale. Each example is a row {@code [context word, true word,
     * noise words...]} (indices stored as floats, exact below 2^24) with labels {@code [1, 0, ..., 0]}; the
     * block looks up {@code h = v_context} and {@code u_t} for each target and returns the scores
     * {@code u_t . h}, and the sigmoid binary cross-entropy on them is the negative-sampling loss divided by
     * {@code k + 1}.
     */
    public static final class Autograd {

        private Autograd() {
        }

        /** Examples drawn exactly like the hand-written trainer's (vocabulary, subsampling, window, noise). */
        public record Examples(String[] words, float[] rows, float[] labels, int count, int negative) {

            /** @return the vocabulary size */
            public int vocabSize() {
                return words.length;
            }

            /**
             * @param batchSize examples per batch
             * @param seed      shuffling seed
             * @return the examples as a {@link org.nnzoo.train.BatchSource} for {@code Fit}
             */
            public org.nnzoo.train.InMemoryDataset dataset(int batchSize, long seed) {
                return org.nnzoo.train.InMemoryDataset.of(rows, new ai.djl.ndarray.types.Shape(negative + 2), labels,
                        new ai.djl.ndarray.types.Shape(negative + 1), batchSize, true, seed);
            }
        }

        /**
         * One pass of the skip-gram example generator over a corpus (one epoch's worth of examples).
         *
         * @param sentences the corpus
         * @param trainer   window, minCount, negative, sample and seed come from here
         * @return the examples
         */
        public static Examples examples(List<String[]> sentences, Trainer trainer) {
            if (sentences == null || sentences.isEmpty()) {
                throw new IllegalArgumentException("sentences is empty: pass a corpus of token arrays");
            }
            Run run = new Run(trainer, Vocab.build(sentences, trainer.minCount), sentences);
            int k = trainer.negative;
            List<int[]> rows = new ArrayList<>();
            Worker w = new Worker(run);
            w.next = mix(trainer.seed, 0xE8A);
            for (int[] ids : run.corpus) {
                int[] sent = new int[ids.length];
                int n = 0;
                for (int id : ids) {
                    if (run.keep[id] < 1f) {
                        w.next = lcg(w.next);
                        if (run.keep[id] < (w.next >>> 24) / (float) (1 << 24)) {
                            continue;
                        }
                    }
                    sent[n++] = id;
                }
                for (int i = 0; i < n; i++) {
                    w.next = lcg(w.next);
                    int b = (int) ((w.next >>> 16) % trainer.window);
                    for (int j = Math.max(0, i - trainer.window + b); j < Math.min(n, i + trainer.window + 1 - b); j++) {
                        if (j == i) {
                            continue;
                        }
                        int[] row = new int[k + 2];
                        row[0] = sent[j];
                        row[1] = sent[i];
                        for (int d = 0; d < k; d++) {  // k noise words (a draw equal to the true word is kept here)
                            long r1 = lcg(w.next);
                            w.next = lcg(r1);
                            row[2 + d] = run.noise.sample(r1, w.next);
                        }
                        rows.add(row);
                    }
                }
            }
            float[] x = new float[rows.size() * (k + 2)];
            float[] y = new float[rows.size() * (k + 1)];
            for (int e = 0; e < rows.size(); e++) {
                for (int c = 0; c < k + 2; c++) {
                    x[e * (k + 2) + c] = rows.get(e)[c];
                }
                y[e * (k + 1)] = 1f;
            }
            return new Examples(run.vocab.words, x, y, rows.size(), k);
        }

        /**
         * @param vocab number of words
         * @param dim   vector size
         * @return a block with input vectors {@code v} and output vectors {@code u} ({@code vocab x dim} each)
         *     mapping {@code (B, k+2)} example rows to {@code (B, k+1)} scores
         */
        public static ai.djl.nn.Block block(int vocab, int dim) {
            return new SgnsBlock(vocab, dim);
        }
    }

    /** Skip-gram with negative sampling as a DJL block (see {@link Autograd}). */
    private static final class SgnsBlock extends ai.djl.nn.AbstractBlock {
        private final ai.djl.nn.Parameter in;
        private final ai.djl.nn.Parameter out;

        SgnsBlock(int vocab, int dim) {
            in = addParameter(ai.djl.nn.Parameter.builder().setName("input_vectors")
                    .setType(ai.djl.nn.Parameter.Type.WEIGHT).optShape(new ai.djl.ndarray.types.Shape(vocab, dim)).build());
            out = addParameter(ai.djl.nn.Parameter.builder().setName("output_vectors")
                    .setType(ai.djl.nn.Parameter.Type.WEIGHT).optShape(new ai.djl.ndarray.types.Shape(vocab, dim)).build());
        }

        @Override
        protected ai.djl.ndarray.NDList forwardInternal(ai.djl.training.ParameterStore ps, ai.djl.ndarray.NDList inputs,
                                                        boolean training, ai.djl.util.PairList<String, Object> params) {
            NDArray rows = inputs.singletonOrThrow().toType(ai.djl.ndarray.types.DataType.INT64, false);
            NDArray v = ps.getValue(in, rows.getDevice(), training);
            NDArray u = ps.getValue(out, rows.getDevice(), training);
            NDArray context = rows.get(":, 0");
            NDArray targets = rows.get(":, 1:");
            NDArray h = ai.djl.nn.core.Embedding.embedding(context, v, ai.djl.ndarray.types.SparseFormat.DENSE).head();
            NDArray ut = ai.djl.nn.core.Embedding.embedding(targets, u, ai.djl.ndarray.types.SparseFormat.DENSE).head();
            return new ai.djl.ndarray.NDList(ut.mul(h.expandDims(1)).sum(new int[] {2}));  // (B, k+1): u_t . h
        }

        @Override
        public ai.djl.ndarray.types.Shape[] getOutputShapes(ai.djl.ndarray.types.Shape[] inputShapes) {
            ai.djl.ndarray.types.Shape s = inputShapes[0];
            return new ai.djl.ndarray.types.Shape[] {new ai.djl.ndarray.types.Shape(s.get(0), s.get(1) - 1)};
        }
    }

    private static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
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
        return history;
    }

    /** @return seconds spent training (without building the vocabulary) */
    public double trainSeconds() {
        return trainSeconds;
    }

    /**
     * @return CPU seconds the whole JVM process used while training (all threads, JIT and GC included;
     *     NaN where the JVM cannot tell): on a busy machine a fairer speed measure than wall-clock time
     */
    public double trainCpuSeconds() {
        return trainCpuSeconds;
    }

    /** @return corpus words processed per CPU second of the process ({@link #trainCpuSeconds}) */
    public double wordsPerCpuSecond() {
        return trainCpuSeconds > 0 ? trainedWords / trainCpuSeconds : Double.NaN;
    }

    private static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    /**
     * @return training examples per second: (context, word) pairs for skip-gram, centre words for CBOW,
     *     each with its noise words
     */
    public double examplesPerSecond() {
        return trainSeconds > 0 ? trainedExamples / trainSeconds : Double.NaN;
    }

    /** @return corpus words (all tokens, as gensim counts them) processed per second of training */
    public double wordsPerSecond() {
        return trainSeconds > 0 ? trainedWords / trainSeconds : Double.NaN;
    }

    /** @return a copy of the word's vector (its row of the input matrix) */
    public float[] vector(String word) {
        int i = indexOf(word);
        return Arrays.copyOfRange(syn0, i * dim, (i + 1) * dim);
    }

    /** @return the cosine similarity of two words' vectors */
    public double similarity(String a, String b) {
        float[] u = unitVectors();
        return dot(u, indexOf(a) * dim, u, indexOf(b) * dim, dim);
    }

    /**
     * @param word a vocabulary word
     * @param k how many neighbours
     * @return the {@code k} words with the most similar vectors (cosine), most similar first, the word
     *     itself excluded
     */
    public List<Neighbour> mostSimilar(String word, int k) {
        int i = indexOf(word);
        float[] u = unitVectors();
        return nearest(Arrays.copyOfRange(u, i * dim, (i + 1) * dim), k, new int[] {i});
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
        float[] u = unitVectors();
        float[] q = new float[dim];
        axpy(-1f, u, ia * dim, q, 0, dim);
        axpy(1f, u, ib * dim, q, 0, dim);
        axpy(1f, u, ic * dim, q, 0, dim);
        normalise(q, 0, dim);
        return nearest(q, k, new int[] {ia, ib, ic});
    }

    private List<Neighbour> nearest(float[] q, int k, int[] exclude) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        float[] u = unitVectors();
        int kk = Math.min(k, words.length - exclude.length);
        int[] best = new int[kk];
        float[] bestSim = new float[kk];
        Arrays.fill(bestSim, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        outer:
        for (int w = 0; w < words.length; w++) {
            for (int e : exclude) {
                if (w == e) {
                    continue outer;
                }
            }
            float s = dot(q, 0, u, w * dim, dim);
            if (kk == 0 || s <= bestSim[kk - 1]) {
                continue;
            }
            int p = kk - 1;
            while (p > 0 && bestSim[p - 1] < s) {
                bestSim[p] = bestSim[p - 1];
                best[p] = best[p - 1];
                p--;
            }
            bestSim[p] = s;
            best[p] = w;
        }
        List<Neighbour> out = new ArrayList<>();
        for (int i = 0; i < kk; i++) {
            out.add(new Neighbour(words[best[i]], bestSim[i]));
        }
        return Collections.unmodifiableList(out);
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

    private synchronized float[] unitVectors() {
        if (unit == null) {
            float[] u = syn0.clone();
            for (int i = 0; i < words.length; i++) {
                normalise(u, i * dim, dim);
            }
            unit = u;
        }
        return unit;
    }

    private static void normalise(float[] a, int off, int n) {
        double norm = Math.sqrt(dot(a, off, a, off, n));
        if (norm > 0) {
            for (int i = 0; i < n; i++) {
                a[off + i] = (float) (a[off + i] / norm);
            }
        }
    }

    /**
     * Projects the words' unit-length vectors (the geometry cosine similarity sees) onto their first two
     * principal components (power iteration with deflation on the centred vectors), for a 2-D map.
     *
     * @param list the words
     * @return {@code [n][2]} coordinates
     */
    public double[][] pca2(List<String> list) {
        int n = list.size();
        if (n < 3) {
            throw new IllegalArgumentException("pca2 needs at least 3 words, got " + n);
        }
        double[][] x = new double[n][dim];
        double[] mean = new double[dim];
        float[] u = unitVectors();
        for (int i = 0; i < n; i++) {
            int w = indexOf(list.get(i));
            for (int d = 0; d < dim; d++) {
                x[i][d] = u[w * dim + d];
                mean[d] += x[i][d] / n;
            }
        }
        for (double[] row : x) {
            for (int d = 0; d < dim; d++) {
                row[d] -= mean[d];
            }
        }
        double[][] out = new double[n][2];
        for (int c = 0; c < 2; c++) {
            double[] v = new double[dim];
            Arrays.fill(v, 1 / Math.sqrt(dim));
            v[c % dim] += 0.5;
            for (int it = 0; it < 500; it++) {
                double[] nv = new double[dim];
                for (double[] row : x) {
                    double p = 0;
                    for (int d = 0; d < dim; d++) {
                        p += row[d] * v[d];
                    }
                    for (int d = 0; d < dim; d++) {
                        nv[d] += p * row[d];
                    }
                }
                double norm = 0;
                for (double a : nv) {
                    norm += a * a;
                }
                norm = Math.sqrt(norm);
                if (norm == 0) {
                    break;
                }
                for (int d = 0; d < dim; d++) {
                    nv[d] /= norm;
                }
                v = nv;
            }
            for (int i = 0; i < n; i++) {
                double p = 0;
                for (int d = 0; d < dim; d++) {
                    p += x[i][d] * v[d];
                }
                out[i][c] = p;
                for (int d = 0; d < dim; d++) {
                    x[i][d] -= p * v[d];
                }
            }
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // word2vec text format

    /**
     * Saves the vectors in the word2vec text format (first line {@code "<words> <dimension>"}, then one line
     * per word: the word and its values), readable by gensim's {@code KeyedVectors.load_word2vec_format}.
     * Values are written as Java's shortest round-trip decimal, so {@link #load} restores them exactly.
     *
     * @param file the file to write (UTF-8)
     */
    public void save(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(words.length + " " + dim + "\n");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < words.length; i++) {
                sb.setLength(0);
                sb.append(words[i]);
                for (int d = 0; d < dim; d++) {
                    sb.append(' ').append(syn0[i * dim + d]);
                }
                sb.append('\n');
                w.write(sb.toString());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write the vectors to " + file + ": " + e, e);
        }
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
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("The vectors file " + file + " does not exist; pass a file written by"
                    + " Word2Vec.save or in the word2vec text format.");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String[] hp = header == null ? new String[0] : header.trim().split(" ");
            int v;
            int dim;
            try {
                if (hp.length != 2) {
                    throw new NumberFormatException();
                }
                v = Integer.parseInt(hp[0]);
                dim = Integer.parseInt(hp[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line 1 should be '<words> <dimension>' (word2vec text format),"
                        + " found: " + header);
            }
            if (v < 1 || dim < 1) {
                throw new IllegalArgumentException(file + " line 1 announces " + v + " words of dimension " + dim
                        + "; both must be >= 1");
            }
            String[] words = new String[v];
            float[] syn0 = new float[v * dim];
            for (int i = 0; i < v; i++) {
                String line = r.readLine();
                if (line == null) {
                    throw new IllegalArgumentException(file + " ends after " + i + " words, but line 1 announces " + v);
                }
                String[] p = line.trim().split(" ");
                if (p.length != dim + 1) {
                    throw new IllegalArgumentException(file + " line " + (i + 2) + " has " + (p.length - 1)
                            + " values, expected " + dim + " (word2vec text format: the word, then the values)");
                }
                words[i] = p[0];
                for (int d = 0; d < dim; d++) {
                    try {
                        syn0[i * dim + d] = Float.parseFloat(p[d + 1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + " line " + (i + 2) + ": '" + p[d + 1] + "' is not a number");
                    }
                }
            }
            return new Word2Vec(null, dim, words, null, syn0, null, new History(), 0, 0, 0);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the vectors file " + file + ": " + e, e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Command line, used by environment/bench-word2vec.sh

    /**
     * Trains on the abc corpus and prints counts and speed as {@code key=value} lines.
     * Arguments: {@code --sg|--cbow --workers N --epochs N --seed N --save FILE}.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        Trainer t = skipGram();
        Path save = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--sg" -> t = copy(t, skipGram());
                case "--cbow" -> t = copy(t, cbow());
                case "--workers" -> t.workers(Integer.parseInt(args[++i]));
                case "--epochs" -> t.epochs(Integer.parseInt(args[++i]));
                case "--seed" -> t.seed(Long.parseLong(args[++i]));
                case "--save" -> save = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; use --sg|--cbow --workers N --epochs N --seed N --save FILE");
            }
        }
        org.nnzoo.data.Abc abc = org.nnzoo.data.Abc.load();
        List<String[]> sentences = abc.lowerCasedSentences();
        System.out.println("tokens=" + abc.tokenCount());
        System.out.println("tokens_rural=" + abc.tokenCount(org.nnzoo.data.Abc.Part.RURAL));
        System.out.println("tokens_science=" + abc.tokenCount(org.nnzoo.data.Abc.Part.SCIENCE));
        System.out.println("sentences=" + sentences.size());
        System.out.println("distinct_lower=" + org.nnzoo.data.Abc.counts(sentences).size());
        System.out.println("distinct_cased=" + org.nnzoo.data.Abc.counts(abc.sentences()).size());
        Word2Vec w2v = t.progress(false).train(sentences);
        System.out.println("vocab=" + w2v.size());
        System.out.println("simd=" + (SIMD ? 1 : 0));
        System.out.println("train_seconds=" + w2v.trainSeconds());
        System.out.println("words_per_s=" + w2v.wordsPerSecond());
        System.out.println("cpu_seconds=" + w2v.trainCpuSeconds());
        System.out.println("words_per_cpu_s=" + w2v.wordsPerCpuSecond());
        System.out.println("final_loss=" + w2v.history().last("loss"));
        if (save != null) {
            w2v.save(save);
        }
    }

    private static Trainer copy(Trainer from, Trainer to) {
        return to.workers(from.workers).epochs(from.epochs).seed(from.seed);
    }
}
