package org.nnzoo.models.ndp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.nnzoo.train.Cmaes;
import org.nnzoo.train.ParallelPopulation;
import org.nnzoo.train.Interrupt;

/**
 * The evolutionary loop that trains a developmental program: CMA-ES ({@link Cmaes}) proposes genomes, a
 * {@link Task} scores them (in parallel on all cores, {@link ParallelPopulation}), CMA-ES moves its search
 * distribution towards the better ones. Fitness is maximised (CMA-ES minimises its negative).
 *
 * <p>Every {@code checkEvery} generations the generation's best genome and the distribution's mean are scored
 * on the task's fixed validation episodes, and the best validated genome is kept (the fitness of one
 * generation is noisy: a few lucky episodes). The run stops after {@code generations}, or as soon as a
 * validated return reaches {@code stopAt}.
 *
 * <p>Restarts: where a run starts decides much of where it ends (a developmental program that grows one-node
 * networks scores the same for every small change, and CMA-ES gets no direction). Najarro et al. stop such
 * "unpromising" runs (their {@code early_stopping_conditions}) and start again; here, when {@code restartAfter}
 * generations after a (re)start the best validated score of that start is still below {@code restartBelow},
 * CMA-ES starts afresh from a new random point, within the same budget of generations. The best validated genome
 * over all starts is kept.
 *
 * <p>Deterministic for a seed, whatever the number of threads: the start point and CMA-ES's samples come
 * from the seed, every candidate's episodes from {@code ParallelPopulation.seed(seed, generation, index)}.
 */
public final class Evolution {

    private Evolution() {
    }

    /** What is evolved and how it is scored. */
    public interface Task {
        /** @return the genome's length */
        int genomeSize();

        /**
         * The fitness of a genome (higher is better); called from several threads at once.
         *
         * @param seed the seed of everything random in this evaluation
         */
        double fitness(double[] genome, long seed);

        /** @return a deterministic score on fixed validation episodes (e.g. the mean return of 20 episodes) */
        double validate(double[] genome);

        /** @return environment steps used so far by {@link #fitness} and {@link #validate} */
        long envSteps();
    }

    /** The run's settings; public fields. */
    public static final class Config {
        /** Population size lambda. */
        public int population = 64;
        /** CMA-ES's initial step size. */
        public double sigma0 = 0.1;
        /** The start point is uniform in [-x0Range, x0Range] in every coordinate. */
        public double x0Range = 1.0;
        /** CMA-ES with elitism (pycma's {@code CMA_elitist}, as Najarro et al.), see {@link Cmaes#elitist}. */
        public boolean elitist = false;
        /** Most generations. */
        public int generations = 100;
        /** Worker threads evaluating the population. */
        public int threads = Runtime.getRuntime().availableProcessors();
        /** Validate every this many generations (and after the last). */
        public int checkEvery = 5;
        /** Stop when a validated score reaches this. */
        public double stopAt = Double.POSITIVE_INFINITY;
        /** Restart when, this many generations after a start, the start's best validated score is below {@link #restartBelow}; 0: never. */
        public int restartAfter = 0;
        public double restartBelow = Double.NEGATIVE_INFINITY;
        public long seed = 0;

        @Override
        public String toString() {
            return String.format((elitist ? "elitist " : "") + "CMA-ES(lambda=%d, sigma0=%s, x0 ~ U[-%s, %s], <= %d generations, validation every %d%s%s, %d threads, seed %d)",
                    population, sigma0, x0Range, x0Range, generations, checkEvery,
                    Double.isFinite(stopAt) ? ", stop at " + stopAt : "",
                    restartAfter > 0 ? ", restart when below " + restartBelow + " after " + restartAfter + " generations" : "",
                    threads, seed);
        }
    }

    /** One validation check. */
    public record Check(int generation, double bestCandidate, double mean) {
    }

    /** What a run produced. */
    public static final class Result {
        /** Per generation: the best and the mean fitness of the population, CMA-ES's step size. */
        public final double[] best;
        public final double[] mean;
        public final double[] sigma;
        /** Per generation: environment steps used so far, seconds so far. */
        public final long[] envSteps;
        public final double[] seconds;
        public final List<Check> checks;
        /** The best validated genome, its validation score and the generation it came from. */
        public final double[] bestGenome;
        public final double bestValidation;
        public final int bestGeneration;
        /** CMA-ES's mean at the end. */
        public final double[] finalMean;
        public final int population;
        public final String stopReason;
        /** The generations at which CMA-ES started afresh (empty without restarts). */
        public final int[] restarts;

        Result(double[] best, double[] mean, double[] sigma, long[] envSteps, double[] seconds, List<Check> checks,
               double[] bestGenome, double bestValidation, int bestGeneration, double[] finalMean, int population,
               String stopReason, int[] restarts) {
            this.restarts = restarts;
            this.best = best;
            this.mean = mean;
            this.sigma = sigma;
            this.envSteps = envSteps;
            this.seconds = seconds;
            this.checks = checks;
            this.bestGenome = bestGenome;
            this.bestValidation = bestValidation;
            this.bestGeneration = bestGeneration;
            this.finalMean = finalMean;
            this.population = population;
            this.stopReason = stopReason;
        }

        /** @return generations run */
        public int generations() {
            return best.length;
        }

        /** @return environment steps of the whole run (validation included) */
        public long totalEnvSteps() {
            return envSteps.length == 0 ? 0 : envSteps[envSteps.length - 1];
        }

        /** @return wall-clock seconds of the whole run */
        public double wallSeconds() {
            return seconds.length == 0 ? 0 : seconds[seconds.length - 1];
        }

        @Override
        public String toString() {
            return String.format("%d generations of %d (%s, %d restarts): best validated %.1f (generation %d), %d environment steps, %.1f s",
                    generations(), population, stopReason, restarts.length, bestValidation, bestGeneration, totalEnvSteps(),
                    wallSeconds());
        }
    }

    /**
     * Runs the evolution.
     *
     * @param title heading of the live progress view
     */
    public static Result run(Task task, Config cfg, String title) {
        if (cfg.population < 2 || cfg.generations < 1 || cfg.checkEvery < 1 || cfg.threads < 1) {
            throw new IllegalArgumentException("invalid evolution settings " + cfg
                    + ": population >= 2, generations >= 1, checkEvery >= 1, threads >= 1");
        }
        SplittableRandom start = new SplittableRandom(cfg.seed);
        Cmaes es = fresh(task.genomeSize(), cfg, start);
        List<Integer> restarts = new ArrayList<>();
        int startedAt = 0;
        double startBest = Double.NEGATIVE_INFINITY;
        double[] best = new double[cfg.generations];
        double[] mean = new double[cfg.generations];
        double[] sigma = new double[cfg.generations];
        long[] steps = new long[cfg.generations];
        double[] secs = new double[cfg.generations];
        List<Check> checks = new ArrayList<>();
        double[] bestGenome = null;
        double bestValidation = Double.NEGATIVE_INFINITY;
        int bestGeneration = -1;
        String reason = "generation limit";
        long t0 = System.nanoTime();
        EvolutionProgress view = new EvolutionProgress(title, cfg.generations);
        int g = 0;
        try (ParallelPopulation pool = new ParallelPopulation(cfg.threads)) {
            for (; g < cfg.generations; g++) {
                int gen = g;
                Interrupt.check(() -> "generation " + (gen + 1) + " of " + cfg.generations,
                        "the result of the generations before is not returned (the run is discarded)");
                double[][] x = es.ask();
                long[] seeds = new long[x.length];
                for (int k = 0; k < x.length; k++) {
                    seeds[k] = ParallelPopulation.seed(cfg.seed, g, k);
                }
                double[] f = pool.evaluate(x, task::fitness, seeds);
                int arg = 0;
                double sum = 0;
                for (int k = 0; k < f.length; k++) {
                    sum += f[k];
                    if (f[k] > f[arg]) {
                        arg = k;
                    }
                }
                best[g] = f[arg];
                mean[g] = sum / f.length;
                double[] neg = new double[f.length];
                for (int k = 0; k < f.length; k++) {
                    neg[k] = -f[k];                                          // CMA-ES minimises
                }
                es.tell(x, neg);
                sigma[g] = es.sigma();
                boolean stop = false;
                if ((g + 1) % cfg.checkEvery == 0 || g == cfg.generations - 1) {
                    double vBest = task.validate(x[arg]);
                    double[] m = es.mean();
                    double vMean = task.validate(m);
                    checks.add(new Check(g, vBest, vMean));
                    startBest = Math.max(startBest, Math.max(vBest, vMean));
                    if (vBest > bestValidation) {
                        bestValidation = vBest;
                        bestGenome = x[arg].clone();
                        bestGeneration = g;
                    }
                    if (vMean > bestValidation) {
                        bestValidation = vMean;
                        bestGenome = m;
                        bestGeneration = g;
                    }
                    if (bestValidation >= cfg.stopAt) {
                        reason = String.format("validated %.1f >= %.1f", bestValidation, cfg.stopAt);
                        stop = true;
                    } else if (cfg.restartAfter > 0 && g + 1 - startedAt >= cfg.restartAfter && startBest < cfg.restartBelow
                            && g < cfg.generations - 1) {
                        es = fresh(task.genomeSize(), cfg, start);               // an unpromising start: begin again
                        restarts.add(g + 1);
                        startedAt = g + 1;
                        startBest = Double.NEGATIVE_INFINITY;
                    }
                }
                steps[g] = task.envSteps();
                secs[g] = (System.nanoTime() - t0) / 1e9;
                view.generation(g, Arrays.copyOf(best, g + 1), Arrays.copyOf(mean, g + 1), steps[g], bestValidation);
                if (stop) {
                    g++;
                    break;
                }
            }
        }
        view.done();
        return new Result(Arrays.copyOf(best, g), Arrays.copyOf(mean, g), Arrays.copyOf(sigma, g), Arrays.copyOf(steps, g),
                Arrays.copyOf(secs, g), checks, bestGenome, bestValidation, bestGeneration, es.mean(), cfg.population, reason,
                restarts.stream().mapToInt(Integer::intValue).toArray());
    }

    /** A new CMA-ES from a random start point {@code x0 ~ U[-x0Range, x0Range]^n} (Najarro et al.: U[-1, 1]). */
    private static Cmaes fresh(int n, Config cfg, SplittableRandom start) {
        double[] x0 = new double[n];
        for (int i = 0; i < n; i++) {
            x0[i] = cfg.x0Range * (2 * start.nextDouble() - 1);
        }
        return new Cmaes(x0, cfg.sigma0, cfg.population, start.nextLong()).elitist(cfg.elitist);
    }
}
