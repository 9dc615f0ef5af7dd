package org.nnzoo.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Evaluates a population of candidate solutions (e.g. the {@link Cmaes#ask()} of one generation) on a fixed
 * pool of worker threads, one task per candidate.
 *
 * <p>Determinism: every candidate gets its own seed from {@link #seed(long, int, int)}, a function of the run's
 * seed, the generation and the candidate's index only, and its fitness is a function of (candidate, seed) only;
 * results are collected by index. So the fitness values, and the whole evolution that uses them, are the
 * same for any number of threads, in any order the threads happen to run.
 *
 * <p>The threads are daemons (an unclosed pool does not keep a JVM or a notebook kernel alive); close the
 * pool when done to free them at once.
 */
public final class ParallelPopulation implements AutoCloseable {

    /** A fitness function: a pure function of the candidate and the seed it is given. */
    @FunctionalInterface
    public interface Fitness {
        /**
         * @param x    the candidate (read only)
         * @param seed the seed for everything random in this evaluation (episode start states, ...)
         * @return its fitness
         */
        double evaluate(double[] x, long seed);
    }

    private final int threads;
    private final ExecutorService pool;

    /** @param threads worker threads; 1 evaluates in the caller's thread */
    public ParallelPopulation(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        if (threads == 1) {
            pool = null;
        } else {
            AtomicInteger count = new AtomicInteger();
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "population-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** @return a pool with one thread per available processor */
    public static ParallelPopulation allCores() {
        return new ParallelPopulation(Runtime.getRuntime().availableProcessors());
    }

    /** @return the number of worker threads */
    public int threads() {
        return threads;
    }

    /**
     * Evaluates every candidate.
     *
     * @param xs      the candidates
     * @param fitness the fitness function (called from several threads at once: it must be thread-safe)
     * @param seeds   one seed per candidate
     * @return the fitness of each candidate, in the candidates' order
     */
    public double[] evaluate(double[][] xs, Fitness fitness, long[] seeds) {
        if (xs.length != seeds.length) {
            throw new IllegalArgumentException("one seed per candidate: " + xs.length + " candidates, " + seeds.length + " seeds");
        }
        double[] out = new double[xs.length];
        if (pool == null) {
            for (int k = 0; k < xs.length; k++) {
                out[k] = fitness.evaluate(xs[k], seeds[k]);
            }
            return out;
        }
        List<Future<Double>> futures = new ArrayList<>(xs.length);
        for (int k = 0; k < xs.length; k++) {
            double[] x = xs[k];
            long s = seeds[k];
            futures.add(pool.submit(() -> fitness.evaluate(x, s)));
        }
        try {
            for (int k = 0; k < xs.length; k++) {
                out[k] = futures.get(k).get();
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("population evaluation interrupted");
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new IllegalStateException("fitness evaluation failed: " + cause, cause);
        }
        return out;
    }

    /**
     * The seed of one candidate's evaluation: SplitMix64's finaliser applied to the run seed, the generation
     * and the index, so that neighbouring (generation, index) pairs get unrelated seeds.
     */
    public static long seed(long runSeed, int generation, int index) {
        long z = mix(runSeed + 0x9E3779B97F4A7C15L);
        z = mix(z ^ (generation * 0xBF58476D1CE4E5B9L + 1));
        return mix(z ^ (index * 0x94D049BB133111EBL + 2));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
