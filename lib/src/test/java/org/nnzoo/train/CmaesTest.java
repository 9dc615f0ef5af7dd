package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;

/**
 * CMA-ES against its published behaviour. The reference is Hansen's own minimal implementation,
 * {@code purecma.py} 3.0.0 from github.com/CMA-ES/pycma (public domain), run with the same start points,
 * step sizes, default population sizes and targets, 20 seeds each (Python's {@code random.seed(0..19)}),
 * counting evaluations until the best of a generation is below 1e-8:
 * <pre>
 *                                    purecma: median  min    max
 * Sphere     n = 10, x0 = 1,   sigma0 = 0.5     1470   1350   1580
 * Sphere     n = 20, x0 = 1,   sigma0 = 0.5     2658   2508   2820
 * Rosenbrock n = 4,  x0 = 0.5, sigma0 = 0.5     1364   1112   1912
 * Rosenbrock n = 10, x0 = 0.1, sigma0 = 0.1     5905   5320   6320
 * </pre>
 * (purecma's own doctest: 4-D Rosenbrock from 0.5 with sigma 0.5 ends below 1e-12 after 1,712 evaluations;
 * Hansen et al., Evolutionary Computation 11(1), 2003, report about 6,000 for 10-D Rosenbrock.) This
 * implementation follows the tutorial's formulas, which differ from purecma in two small details (the
 * step-size rule on |p_s| instead of |p_s|^2, and h_s's threshold), so the counts are compared with a
 * margin: the median within 20 % of purecma's, every run within 1.3 times purecma's worst.
 */
class CmaesTest {

    static double sphere(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    static double rosenbrock(double[] x) {
        double s = 0;
        for (int i = 0; i < x.length - 1; i++) {
            double a = x[i + 1] - x[i] * x[i];
            double b = 1 - x[i];
            s += 100 * a * a + b * b;
        }
        return s;
    }

    /** @return evaluations until a generation's best is below the target, or -1 after maxEvals */
    static long evaluationsToTarget(ToDoubleFunction<double[]> f, double[] x0, double sigma0, long seed, double target,
                                    long maxEvals) {
        Cmaes es = new Cmaes(x0, sigma0, seed);
        while (es.evaluations() < maxEvals) {
            double[][] x = es.ask();
            double[] fx = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                fx[k] = f.applyAsDouble(x[k]);
            }
            es.tell(x, fx);
            if (Arrays.stream(fx).min().getAsDouble() < target) {
                return es.evaluations();
            }
        }
        return -1;
    }

    static long[] runs(ToDoubleFunction<double[]> f, int n, double x0, double sigma0, int seeds) {
        long[] evals = new long[seeds];
        double[] start = new double[n];
        Arrays.fill(start, x0);
        for (int s = 0; s < seeds; s++) {
            evals[s] = evaluationsToTarget(f, start, sigma0, s, 1e-8, 100_000);
        }
        System.out.println("evaluations to 1e-8: " + Arrays.toString(evals));
        return evals;
    }

    static void assertLikePurecma(long[] evals, double purecmaMedian, double purecmaMax, String what) {
        for (long e : evals) {
            assertTrue(e > 0, what + ": a run did not reach 1e-8 within 100,000 evaluations: " + Arrays.toString(evals));
            assertTrue(e <= 1.3 * purecmaMax, what + ": " + e + " evaluations, purecma's worst of 20 is " + purecmaMax);
        }
        long[] sorted = evals.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2.0;
        assertTrue(Math.abs(median / purecmaMedian - 1) <= 0.2,
                what + ": median " + median + " evaluations, purecma's median " + purecmaMedian);
    }

    @Test
    void defaultParametersAreTheTutorials() {
        Cmaes es = new Cmaes(new double[10], 1, 0);
        assertEquals(10, es.lambda(), "4 + floor(3 ln 10)");
        assertEquals(5, es.mu());
        // mu_eff for lambda = 10: weights ln(5.5) - ln(i), i = 1..5, normalised
        double[] w = new double[5];
        double sum = 0;
        for (int i = 0; i < 5; i++) {
            w[i] = Math.log(5.5) - Math.log(i + 1);
            sum += w[i];
        }
        double sq = 0;
        for (double v : w) {
            sq += (v / sum) * (v / sum);
        }
        assertEquals(1 / sq, es.muEff(), 1e-12);
        assertEquals(3.1672, es.muEff(), 1e-4);
        assertEquals(17, Cmaes.defaultPopulation(100), "4 + floor(3 ln 100) = 4 + floor(13.8)");
    }

    @Test
    void sphere10LikePurecma() {
        assertLikePurecma(runs(CmaesTest::sphere, 10, 1.0, 0.5, 10), 1470, 1580, "Sphere 10-D");
    }

    @Test
    void sphere20LikePurecma() {
        assertLikePurecma(runs(CmaesTest::sphere, 20, 1.0, 0.5, 10), 2658, 2820, "Sphere 20-D");
    }

    @Test
    void rosenbrock4LikePurecma() {
        assertLikePurecma(runs(CmaesTest::rosenbrock, 4, 0.5, 0.5, 10), 1364, 1912, "Rosenbrock 4-D");
    }

    @Test
    void rosenbrock10LikePurecma() {
        assertLikePurecma(runs(CmaesTest::rosenbrock, 10, 0.1, 0.1, 10), 5905, 6320, "Rosenbrock 10-D");
    }

    @Test
    void rosenbrockSolutionIsTheOptimum() {
        Cmaes es = new Cmaes(new double[] {0.1, 0.1, 0.1, 0.1, 0.1}, 0.1, 3);
        while (es.bestF() > 1e-14 && es.evaluations() < 50_000) {
            double[][] x = es.ask();
            double[] f = new double[x.length];
            for (int k = 0; k < x.length; k++) {
                f[k] = rosenbrock(x[k]);
            }
            es.tell(x, f);
        }
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, es.bestX(), 1e-6);
        assertArrayEquals(new double[] {1, 1, 1, 1, 1}, es.mean(), 1e-5);
    }

    @Test
    void sameSeedSameRun() {
        long a = evaluationsToTarget(CmaesTest::rosenbrock, new double[] {0, 0, 0, 0}, 0.3, 42, 1e-8, 20_000);
        long b = evaluationsToTarget(CmaesTest::rosenbrock, new double[] {0, 0, 0, 0}, 0.3, 42, 1e-8, 20_000);
        assertEquals(a, b);
        Cmaes e1 = new Cmaes(new double[] {1, 2, 3}, 0.5, 7);
        Cmaes e2 = new Cmaes(new double[] {1, 2, 3}, 0.5, 7);
        for (int g = 0; g < 5; g++) {
            double[][] x1 = e1.ask();
            double[][] x2 = e2.ask();
            for (int k = 0; k < x1.length; k++) {
                assertArrayEquals(x1[k], x2[k], 0.0);
            }
            double[] f = Arrays.stream(x1).mapToDouble(CmaesTest::sphere).toArray();
            e1.tell(x1, f);
            e2.tell(x2, f.clone());
        }
        assertArrayEquals(e1.mean(), e2.mean(), 0.0);
        assertEquals(e1.sigma(), e2.sigma(), 0.0);
    }

    @Test
    void misuseIsReported() {
        assertThrows(IllegalArgumentException.class, () -> new Cmaes(new double[0], 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Cmaes(new double[2], -1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Cmaes(new double[2], 1, 1, 0));
        Cmaes es = new Cmaes(new double[3], 1, 0);
        assertThrows(IllegalStateException.class, () -> es.tell(new double[es.lambda()][3], new double[es.lambda()]));
        double[][] x = es.ask();
        assertThrows(IllegalStateException.class, es::ask);
        assertThrows(IllegalArgumentException.class, () -> es.tell(x, new double[1]));
        double[] nan = new double[x.length];
        nan[0] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> es.tell(x, nan));
    }
}
