package org.nnzoo.train;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * The (mu/mu_w, lambda)-CMA-ES, the covariance matrix adaptation evolution strategy, exactly as
 * N. Hansen's tutorial gives it ("The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016,
 * Table 1 for the defaults and Fig. 6 for the loop), with positive recombination weights only. It minimises.
 *
 * <p>Why not commons-math3's {@code CMAESOptimizer} (already a dependency): its {@code optimize()} owns
 * the generation loop and calls the objective function once per candidate, one after the other, with no
 * way to hand a whole population to worker threads or to tell the objective which generation and which
 * candidate it is evaluating (needed for per-candidate seeds). This class has the ask/tell interface
 * instead: {@link #ask()} samples a population, the caller evaluates it however it likes (in parallel,
 * see {@link ParallelPopulation}), {@link #tell} updates the distribution. The eigendecomposition of
 * the covariance matrix is commons-math3's.
 *
 * <p>One generation, with {@code B D} the eigenbasis and square roots of the eigenvalues of {@code C}:
 * <pre>
 * z_k ~ N(0, I),  y_k = B D z_k,  x_k = m + sigma y_k                        k = 1..lambda   (sampling)
 * &lt;y&gt;_w = sum_{i=1..mu} w_i y_{i:lambda}                                    (the mu best, weighted)
 * m &lt;- m + sigma &lt;y&gt;_w                                                     (mean, c_m = 1)
 * p_s &lt;- (1 - c_s) p_s + sqrt(c_s (2 - c_s) mu_eff) C^(-1/2) &lt;y&gt;_w
 * sigma &lt;- sigma exp((c_s / d_s) (|p_s| / E|N(0,I)| - 1))                    (step-size control)
 * p_c &lt;- (1 - c_c) p_c + h_s sqrt(c_c (2 - c_c) mu_eff) &lt;y&gt;_w
 * C &lt;- (1 + c_1 delta(h_s) - c_1 - c_mu) C + c_1 p_c p_c^T + c_mu sum_i w_i y_{i:lambda} y_{i:lambda}^T
 * </pre>
 * Deterministic: the same seed gives the same samples and, for the same fitness values, the same run.
 */
public final class Cmaes {

    private final int n;
    private final int lambda;
    private final int mu;
    private final double[] weights;
    private final double muEff;
    private final double cSigma;
    private final double dSigma;
    private final double cC;
    private final double c1;
    private final double cMu;
    /** E|N(0, I)|, the expected length of a standard normal vector in n dimensions. */
    private final double chiN;
    private final SplittableRandom random;

    private final double[] mean;
    private double sigma;
    private final double[] pSigma;
    private final double[] pC;
    private final double[][] c;
    /** Eigenbasis of C (columns) and square roots of its eigenvalues. */
    private final double[][] b;
    private final double[] d;
    private int eigenGeneration = -1;

    private int generation;
    private long evaluations;
    private double[][] lastY;
    private double[] bestX;
    private double bestF = Double.POSITIVE_INFINITY;
    private boolean elitist;

    /**
     * With the default population size {@code lambda = 4 + floor(3 ln n)}.
     *
     * @param x0     the initial mean
     * @param sigma0 the initial step size (standard deviation of every coordinate)
     * @param seed   seed of the sampling
     */
    public Cmaes(double[] x0, double sigma0, long seed) {
        this(x0, sigma0, defaultPopulation(x0 == null ? 0 : x0.length), seed);
    }

    /**
     * @param x0      the initial mean
     * @param sigma0  the initial step size
     * @param lambda  the population size (at least 2)
     * @param seed    seed of the sampling
     */
    public Cmaes(double[] x0, double sigma0, int lambda, long seed) {
        if (x0 == null || x0.length == 0) {
            throw new IllegalArgumentException("x0 must have at least one coordinate, got "
                    + (x0 == null ? "null" : "an empty array"));
        }
        if (!(sigma0 > 0) || !Double.isFinite(sigma0)) {
            throw new IllegalArgumentException("sigma0 must be a positive finite step size, got " + sigma0);
        }
        if (lambda < 2) {
            throw new IllegalArgumentException("the population size lambda must be at least 2, got " + lambda);
        }
        n = x0.length;
        this.lambda = lambda;
        random = new SplittableRandom(seed);
        // Selection: the mu = floor(lambda / 2) best, weights w'_i = ln((lambda + 1) / 2) - ln i, normalised
        mu = lambda / 2;
        weights = new double[mu];
        double sum = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] = Math.log((lambda + 1) / 2.0) - Math.log(i + 1);
            sum += weights[i];
        }
        double sumSq = 0;
        for (int i = 0; i < mu; i++) {
            weights[i] /= sum;
            sumSq += weights[i] * weights[i];
        }
        muEff = 1 / sumSq;                                                          // mu_eff = 1 / sum w_i^2
        // Step-size control
        cSigma = (muEff + 2) / (n + muEff + 5);                                     // c_s
        dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma; // d_s
        // Covariance matrix adaptation
        cC = (4 + muEff / n) / (n + 4 + 2 * muEff / n);                             // c_c
        c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);                                   // c_1
        cMu = Math.min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff)); // c_mu (alpha_mu = 2)
        chiN = Math.sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));           // E|N(0, I)|

        mean = x0.clone();
        sigma = sigma0;
        pSigma = new double[n];
        pC = new double[n];
        c = new double[n][n];
        b = new double[n][n];
        d = new double[n];
        for (int i = 0; i < n; i++) {
            c[i][i] = 1;
            b[i][i] = 1;
            d[i] = 1;
        }
        eigenGeneration = 0;
    }

    /**
     * Elitism as pycma's {@code CMA_elitist=True} (used by Najarro et al.): when the best solution seen so far
     * (with the fitness it had when it was evaluated) is better than every candidate of this generation, it is
     * added in front of them, so the mean and the covariance move towards it as towards the best candidate.
     * Off by default: the standard CMA-ES, and the one {@code CmaesTest} checks, is not elitist.
     */
    public Cmaes elitist(boolean on) {
        elitist = on;
        return this;
    }

    /** @return Hansen's default population size {@code 4 + floor(3 ln n)} */
    public static int defaultPopulation(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("the dimension must be at least 1, got " + n);
        }
        return 4 + (int) Math.floor(3 * Math.log(n));
    }

    /**
     * Samples a new population {@code x_k = m + sigma B D z_k}. Call {@link #tell} with its fitness values
     * before the next {@code ask}.
     *
     * @return lambda candidate solutions (new arrays)
     */
    public double[][] ask() {
        if (lastY != null) {
            throw new IllegalStateException("ask() called twice: tell() the fitness of the last population first");
        }
        updateEigensystem();
        double[][] x = new double[lambda][n];
        lastY = new double[lambda][n];
        double[] dz = new double[n];
        for (int k = 0; k < lambda; k++) {
            for (int i = 0; i < n; i++) {
                dz[i] = d[i] * random.nextGaussian();                // D z
            }
            for (int i = 0; i < n; i++) {
                double yi = 0;
                for (int j = 0; j < n; j++) {
                    yi += b[i][j] * dz[j];                           // y = B D z
                }
                lastY[k][i] = yi;
                x[k][i] = mean[i] + sigma * yi;                      // x = m + sigma y
            }
        }
        return x;
    }

    /**
     * Updates mean, step size, evolution paths and covariance from the fitness of the last population.
     *
     * @param x       the population {@link #ask()} returned (only used to remember the best solution)
     * @param fitness the value of each candidate, to be minimised (NaN not allowed)
     */
    public void tell(double[][] x, double[] fitness) {
        if (lastY == null) {
            throw new IllegalStateException("tell() without ask(): sample a population first");
        }
        if (fitness == null || fitness.length != lambda || x == null || x.length != lambda) {
            throw new IllegalArgumentException("tell() needs the " + lambda + " candidates of the last ask() and "
                    + lambda + " fitness values, got " + (x == null ? "null" : x.length) + " and "
                    + (fitness == null ? "null" : fitness.length));
        }
        for (double f : fitness) {
            if (Double.isNaN(f)) {
                throw new IllegalArgumentException("a fitness value is NaN: return a large number for a failed candidate");
            }
        }
        double[][] y = lastY;
        lastY = null;
        evaluations += lambda;
        Integer[] order = IntStream.range(0, lambda).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(k -> fitness[k]));     // stable: ties keep index order
        if (elitist && bestX != null && bestF < fitness[order[0]]) {
            // the best-ever solution ranks first: y = (x_best - m) / sigma, the rest move down one place
            double[][] withElite = new double[lambda + 1][];
            withElite[0] = new double[n];
            for (int i = 0; i < n; i++) {
                withElite[0][i] = (bestX[i] - mean[i]) / sigma;
            }
            Integer[] shifted = new Integer[lambda + 1];
            shifted[0] = 0;
            for (int k = 0; k < lambda; k++) {
                withElite[k + 1] = y[k];
                shifted[k + 1] = order[k] + 1;
            }
            y = withElite;
            order = shifted;
        } else if (fitness[order[0]] < bestF) {
            bestF = fitness[order[0]];
            bestX = x[order[0]].clone();
        }

        // <y>_w = sum w_i y_{i:lambda};  m <- m + sigma <y>_w
        double[] yw = new double[n];
        for (int i = 0; i < mu; i++) {
            double[] yi = y[order[i]];
            for (int j = 0; j < n; j++) {
                yw[j] += weights[i] * yi[j];
            }
        }
        for (int j = 0; j < n; j++) {
            mean[j] += sigma * yw[j];
        }

        // p_s <- (1 - c_s) p_s + sqrt(c_s (2 - c_s) mu_eff) C^(-1/2) <y>_w,  C^(-1/2) = B D^-1 B^T
        double[] bty = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[j][i] * yw[j];
            }
            bty[i] = s / d[i];
        }
        double ks = Math.sqrt(cSigma * (2 - cSigma) * muEff);
        double psNorm2 = 0;
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += b[i][j] * bty[j];
            }
            pSigma[i] = (1 - cSigma) * pSigma[i] + ks * s;
            psNorm2 += pSigma[i] * pSigma[i];
        }
        double psNorm = Math.sqrt(psNorm2);

        // h_s = 1 when |p_s| / sqrt(1 - (1 - c_s)^(2 (g + 1))) < (1.4 + 2 / (n + 1)) E|N(0, I)|
        double hSigma = psNorm / Math.sqrt(1 - Math.pow(1 - cSigma, 2.0 * (generation + 1)))
                < (1.4 + 2.0 / (n + 1)) * chiN ? 1 : 0;
        // p_c <- (1 - c_c) p_c + h_s sqrt(c_c (2 - c_c) mu_eff) <y>_w
        double kc = hSigma * Math.sqrt(cC * (2 - cC) * muEff);
        for (int i = 0; i < n; i++) {
            pC[i] = (1 - cC) * pC[i] + kc * yw[i];
        }
        // C <- (1 + c_1 delta(h_s) - c_1 - c_mu sum w) C + c_1 p_c p_c^T + c_mu sum w_i y_i y_i^T,
        // delta(h_s) = (1 - h_s) c_c (2 - c_c), sum w = 1
        double deltaH = (1 - hSigma) * cC * (2 - cC);
        double keep = 1 + c1 * deltaH - c1 - cMu;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double rankMu = 0;
                for (int k = 0; k < mu; k++) {
                    double[] yk = y[order[k]];
                    rankMu += weights[k] * yk[i] * yk[j];
                }
                double v = keep * c[i][j] + c1 * pC[i] * pC[j] + cMu * rankMu;
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        // sigma <- sigma exp((c_s / d_s) (|p_s| / E|N(0,I)| - 1))
        sigma *= Math.exp((cSigma / dSigma) * (psNorm / chiN - 1));
        generation++;
    }

    /**
     * Recomputes {@code B} and {@code D} from {@code C} when it has changed enough: after
     * {@code lambda / ((c_1 + c_mu) n 10)} generations (the tutorial's lazy update, which keeps the cost at
     * O(n^2) per candidate); every generation in small dimensions.
     */
    private void updateEigensystem() {
        if (generation == eigenGeneration) {
            return;
        }
        double gap = lambda / ((c1 + cMu) * n * 10);
        if (generation - eigenGeneration < gap) {
            return;
        }
        eigenGeneration = generation;
        RealMatrix cm = new Array2DRowRealMatrix(c, true);
        EigenDecomposition eig = new EigenDecomposition(cm);
        RealMatrix v = eig.getV();
        double[] ev = eig.getRealEigenvalues();
        for (int i = 0; i < n; i++) {
            // numerical safety: a tiny or negative eigenvalue from round-off becomes a tiny positive one
            d[i] = Math.sqrt(Math.max(ev[i], 1e-300));
            for (int j = 0; j < n; j++) {
                b[j][i] = v.getEntry(j, i);
            }
        }
    }

    /** @return the current mean of the search distribution (a copy): the best estimate of the optimum */
    public double[] mean() {
        return mean.clone();
    }

    /** @return the current step size */
    public double sigma() {
        return sigma;
    }

    /** @return the population size lambda */
    public int lambda() {
        return lambda;
    }

    /** @return the number of parents mu */
    public int mu() {
        return mu;
    }

    /** @return the variance-effective number of parents mu_eff */
    public double muEff() {
        return muEff;
    }

    /** @return the dimension n */
    public int dimension() {
        return n;
    }

    /** @return generations told so far */
    public int generation() {
        return generation;
    }

    /** @return candidate evaluations told so far (lambda per generation) */
    public long evaluations() {
        return evaluations;
    }

    /** @return the best candidate told so far (a copy), or null before the first {@link #tell} */
    public double[] bestX() {
        return bestX == null ? null : bestX.clone();
    }

    /** @return its fitness (+infinity before the first {@link #tell}) */
    public double bestF() {
        return bestF;
    }

    /** @return the axis ratio of the distribution, sqrt(largest / smallest eigenvalue of C), at the last eigendecomposition */
    public double axisRatio() {
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : d) {
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        return max / min;
    }
}
