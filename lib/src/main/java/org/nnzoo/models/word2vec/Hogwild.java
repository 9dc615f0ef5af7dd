package org.nnzoo.models.word2vec;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.nnzoo.train.History;
import org.nnzoo.train.Interrupt;
import org.nnzoo.train.ProgressView;

/**
 * One training run: the corpus as word indices cut into jobs of about {@link #JOB_WORDS} words (gensim's
 * {@code batch_words}), and {@code workers} threads that each take the next job and apply
 * {@link Word2Vec}'s update to the shared arrays without locks ("Hogwild", B. Recht, C. Re, S. Wright,
 * F. Niu, NIPS 2011; what word2vec.c and gensim do). It also keeps the learning-rate schedule, the
 * progress view and the timing.
 *
 * <p><b>Determinism.</b> Every job draws from its own generator seeded by (seed, epoch, job) ({@link Lcg}),
 * so with one worker the same corpus and seed give the same vectors bit for bit. With more workers the
 * threads interleave their updates of the shared arrays in an order the scheduler decides, so the vectors
 * differ from run to run (as gensim's do with more than one worker); a reproducible parallel scheme
 * (per-thread copies merged in a fixed order) would change the algorithm and cost memory traffic. The
 * notebooks use one worker.
 */
final class Hogwild {

    /** Words per job, as gensim's {@code batch_words}. */
    static final int JOB_WORDS = 10_000;

    /** What a training run measured (for vectors loaded from a file: an empty history and zeros). */
    record Stats(History history, double seconds, double cpuSeconds, long words, long examples) {
        static Stats none() {
            return new Stats(new History(), 0, 0, 0, 0);
        }
    }

    final Trainer t;
    final Vocabulary vocab;
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

    Hogwild(Trainer t, Vocabulary vocab, List<String[]> sentences) {
        this.t = t;
        this.vocab = vocab;
        this.dim = t.vectorSize;
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
            corpus[i] = vocab.encode(s);
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
        keep = vocab.keepProbabilities(t.sample);
        noise = vocab.noiseTable(t.nsExponent);
        syn0 = Word2Vec.initialInputVectors(vocab.words.length, dim, t.seed);
        syn1neg = new float[vocab.words.length * dim];
    }

    Word2Vec train() {
        History history = new History();
        int jobs = jobStart.length - 1;
        ProgressView view = t.progress ? new ProgressView(t.title != null ? t.title
                : (t.architecture == Word2Vec.Architecture.SKIP_GRAM ? "Skip-gram" : "CBOW") + " word2vec, "
                + vocab.words.length + " words x " + dim, t.epochs, jobs, history) : null;
        List<Thread> threads = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(t.workers, r -> {
            Thread th = new Thread(r, "word2vec");
            th.setDaemon(true);
            threads.add(th);
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
            awaitWorkers(pool, threads);
        }
        Stats stats = new Stats(history, totalSeconds, processCpuSeconds() - cpuStart, rawPerEpoch * t.epochs, examples);
        return new Word2Vec(t.architecture, dim, vocab.words, vocab.counts, syn0, syn1neg, stats);
    }

    /**
     * Waits until every worker has finished its current job (the jobs are short) and its thread has ended: none
     * outlives the call. (The pool counts as terminated a moment before its last thread ends, hence the joins.)
     */
    private static void awaitWorkers(ExecutorService pool, List<Thread> threads) {
        boolean interrupted = Thread.interrupted();
        try {
            while (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                System.err.println("word2vec: waiting for the workers to finish their current job");
            }
            for (Thread th : threads) {
                th.join();
            }
        } catch (InterruptedException e) {
            interrupted = true; // a second Interrupt: give up waiting, the workers end on their own
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
                    throw Interrupt.stopped("epoch " + (epoch + 1) + " (" + doneJobs.get() + " of " + jobLoss.length
                            + " jobs done)", "no vectors are returned; the workers have ended");
                } catch (ExecutionException ee) {
                    stop = true;
                    throw new IllegalStateException("word2vec training failed: " + ee.getCause(), ee.getCause());
                }
            }
        }
    }

    /**
     * @return CPU seconds the whole JVM process has used (all threads, JIT and GC included), NaN where the
     *     JVM cannot tell
     */
    private static double processCpuSeconds() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long ns = sun.getProcessCpuTime();
            return ns < 0 ? Double.NaN : ns / 1e9;
        }
        return Double.NaN;
    }

    /**
     * One thread's state: its buffers, its generator and the current job's totals. A job walks its
     * sentences: subsampling, then for each centre word a reduced window, the noise words, and
     * {@link Word2Vec}'s step.
     */
    static final class Worker {
        final Hogwild run;
        final int dim;
        final float[] neu1;
        final float[] neu1e;
        final int[] targets;
        int[] sent = new int[256];
        double loss;
        long pairs;
        long rawWords;
        long next;

        Worker(Hogwild run) {
            this.run = run;
            this.dim = run.dim;
            neu1 = new float[dim];
            neu1e = new float[dim];
            targets = new int[run.t.negative + 1];
        }

        void runJob(int epoch, int job) {
            Trainer t = run.t;
            // the learning rate falls linearly from alpha to minAlpha over all epochs, by corpus position
            double progress = (epoch * (double) run.rawPerEpoch + run.jobRawStart[job]) / (t.epochs * (double) run.rawPerEpoch);
            float alpha = (float) Math.max(t.minAlpha, t.alpha - (t.alpha - t.minAlpha) * progress);
            next = Lcg.seed(t.seed, ((long) epoch << 32) | job);
            loss = 0;
            pairs = 0;
            rawWords = 0;
            boolean sg = t.architecture == Word2Vec.Architecture.SKIP_GRAM;
            int window = t.window;
            float[] syn0 = run.syn0;
            float[] syn1neg = run.syn1neg;
            for (int s = run.jobStart[job]; s < run.jobStart[job + 1]; s++) {
                int n = subsample(run.corpus[s]);
                for (int i = 0; i < n; i++) {
                    int b = windowShrink(window);
                    int lo = Math.max(0, i - window + b);
                    int hi = Math.min(n, i + window + 1 - b);
                    if (sg) {
                        for (int j = lo; j < hi; j++) {
                            if (j != i) {
                                int nt = drawTargets(sent[i]);
                                loss += Word2Vec.skipGramStep(syn0, syn1neg, dim, sent[j], targets, nt, alpha, neu1e);
                                pairs++;
                            }
                        }
                    } else if (Word2Vec.contextMean(syn0, dim, sent, i, lo, hi, neu1) > 0) {
                        int nt = drawTargets(sent[i]);
                        loss += Word2Vec.cbowStep(syn0, syn1neg, dim, sent, i, lo, hi, neu1, targets, nt, alpha, neu1e);
                        pairs++;
                    }
                }
            }
            long end = job + 1 < run.jobRawStart.length ? run.jobRawStart[job + 1] : run.rawPerEpoch;
            rawWords = end - run.jobRawStart[job];
        }

        /**
         * Subsampling: keeps each occurrence of word {@code w} with probability {@code keep[w]}.
         *
         * @param ids a sentence as word indices
         * @return how many words were kept, now at the start of {@link #sent}
         */
        int subsample(int[] ids) {
            if (sent.length < ids.length) {
                sent = new int[ids.length];
            }
            float[] keep = run.keep;
            int n = 0;
            for (int id : ids) {
                if (keep[id] < 1f) {
                    next = Lcg.next(next);
                    if (keep[id] < (next >>> 24) / (float) (1 << 24)) {
                        continue;
                    }
                }
                sent[n++] = id;
            }
            return n;
        }

        /**
         * The reduced window: the context of a centre word reaches {@code window - b} words either side.
         *
         * @return {@code b}, uniform in {@code 0..window-1}
         */
        int windowShrink(int window) {
            next = Lcg.next(next);
            return (int) ((next >>> 16) % window);
        }

        /** @return one word from the noise distribution */
        int drawNoise() {
            long r1 = Lcg.next(next);
            next = Lcg.next(r1);
            return run.noise.sample(r1, next);
        }

        /**
         * Fills {@link #targets}: the true word, then the noise words (a draw equal to the true word is
         * dropped, as in word2vec.c).
         *
         * @return how many targets
         */
        private int drawTargets(int word) {
            targets[0] = word;
            int n = 1;
            for (int d = 0; d < run.t.negative; d++) {
                int target = drawNoise();
                if (target != word) {
                    targets[n++] = target;
                }
            }
            return n;
        }
    }
}
