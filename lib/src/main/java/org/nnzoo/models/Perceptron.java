package org.nnzoo.models;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Rosenblatt's perceptron, written from scratch (no DJL): a linear threshold unit
 * {@code y = sign(w·x + b)} trained by the perceptron rule {@code w <- w + lr * y_i * x_i} on each
 * misclassified sample.
 *
 * <p>F. Rosenblatt, "The perceptron: a probabilistic model for information storage and organization in
 * the brain", Psychological Review 65(6), 1958. The convergence theorem (Novikoff, 1962) guarantees a
 * separating hyperplane after finitely many mistakes when the data are linearly separable; on XOR it
 * never converges (Minsky and Papert, "Perceptrons", 1969).
 */
public final class Perceptron {

    private final double[] w;
    private double b;

    /** @param inputs number of input features */
    public Perceptron(int inputs) {
        if (inputs < 1) {
            throw new IllegalArgumentException("inputs must be at least 1, got " + inputs);
        }
        this.w = new double[inputs];
    }

    /**
     * Trains with the perceptron rule.
     *
     * @param x            samples, {@code x[i]} of length {@link #inputs()}
     * @param y            labels, +1 or -1
     * @param epochs       maximum passes over the data
     * @param learningRate step size (the rule is scale-invariant from a zero start; 1.0 is classic)
     * @param seed         seed of the per-epoch visiting order
     * @return mistakes made in each epoch; training stops after the first epoch without mistakes
     */
    public List<Integer> fit(double[][] x, int[] y, int epochs, double learningRate, long seed) {
        check(x, y);
        if (epochs < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("epochs must be >= 1 and learningRate > 0, got " + epochs + ", " + learningRate);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] order = new int[x.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // excerpt-begin: fit
        List<Integer> mistakes = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            // excerpt-skip: shuffle the visiting order (Fisher-Yates, seeded)
            for (int i = order.length - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            // excerpt-resume
            int m = 0;
            for (int i : order) {
                if (update(x[i], y[i], learningRate)) {
                    m++;
                }
            }
            mistakes.add(m);
            if (m == 0) {
                break;                      // an epoch without a mistake: every sample is on its side
            }
        }
        return mistakes;
        // excerpt-end: fit
    }

    /**
     * The perceptron rule on one sample: if it is misclassified (or on the boundary),
     * {@code w <- w + lr * y * x} and {@code b <- b + lr * y}; otherwise nothing changes.
     *
     * @param x            one sample, of length {@link #inputs()}
     * @param y            its label, +1 or -1
     * @param learningRate step size
     * @return whether the sample was a mistake (and the weights moved)
     */
    public boolean update(double[] x, int y, double learningRate) {
        // excerpt-begin: update
        if (y * score(x) <= 0) {            // misclassified (or on the boundary)
            for (int k = 0; k < w.length; k++) {
                w[k] += learningRate * y * x[k];
            }
            b += learningRate * y;
            return true;
        }
        return false;                       // right side of the boundary: no change
        // excerpt-end: update
    }

    /** @return {@code w·x + b} */
    public double score(double[] x) {
        // excerpt-begin: score
        // excerpt-skip: check that x has as many features as w
        if (x.length != w.length) {
            throw new IllegalArgumentException("sample has " + x.length + " features, the perceptron " + w.length);
        }
        // excerpt-resume
        double s = b;
        for (int k = 0; k < w.length; k++) {
            s += w[k] * x[k];
        }
        return s;
        // excerpt-end: score
    }

    /** @return +1 or -1 */
    public int predict(double[] x) {
        return score(x) > 0 ? 1 : -1;
    }

    /** @return fraction of samples classified correctly */
    public double accuracy(double[][] x, int[] y) {
        check(x, y);
        int ok = 0;
        for (int i = 0; i < x.length; i++) {
            if (predict(x[i]) == y[i]) {
                ok++;
            }
        }
        return ok / (double) x.length;
    }

    /** @return a copy of the weights */
    public double[] weights() {
        return w.clone();
    }

    /** @return the bias */
    public double bias() {
        return b;
    }

    /** @return number of input features */
    public int inputs() {
        return w.length;
    }

    /**
     * For 2-D inputs: the decision boundary {@code w0*x + w1*y + b = 0} as the y value at {@code x}.
     */
    public double boundaryY(double x) {
        if (w.length != 2) {
            throw new IllegalStateException("boundaryY is for 2-D inputs; this perceptron has " + w.length);
        }
        if (w[1] == 0) {
            return Double.NaN;
        }
        return -(w[0] * x + b) / w[1];
    }

    private void check(double[][] x, int[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need the same non-zero number of samples and labels, got " + x.length + " and " + y.length);
        }
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 1 && y[i] != -1) {
                throw new IllegalArgumentException("labels must be +1 or -1; label " + i + " is " + y[i]);
            }
        }
    }

    /**
     * A linearly separable 2-D set: points uniform in [-1, 1]^2 labelled by the side of a random line,
     * keeping a margin.
     *
     * @return the points and their +1/-1 labels
     */
    public static Points separableData(int n, double margin, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double angle = rnd.nextDouble(0, Math.PI);
        double nx = Math.cos(angle);
        double ny = Math.sin(angle);
        double offset = rnd.nextDouble(-0.3, 0.3);
        double[][] x = new double[n][];
        int[] y = new int[n];
        int i = 0;
        while (i < n) {
            double a = rnd.nextDouble(-1, 1);
            double c = rnd.nextDouble(-1, 1);
            double d = nx * a + ny * c - offset;
            if (Math.abs(d) < margin) {
                continue;
            }
            x[i] = new double[] {a, c};
            y[i] = d > 0 ? 1 : -1;
            i++;
        }
        return new Points(x, y);
    }

    /** @return the four XOR points with labels +1 for (0,1),(1,0) and -1 otherwise */
    public static Points xorData() {
        return new Points(new double[][] {{0, 0}, {0, 1}, {1, 0}, {1, 1}}, new int[] {-1, 1, 1, -1});
    }

    /** Labelled samples: {@code x[i]} with label {@code y[i]} (+1/-1). */
    public record Points(double[][] x, int[] y) {

        /**
         * Images as flat pixel vectors, labelled +1 for {@code positiveLabel} and -1 for every other class.
         */
        public static Points fromImages(org.nnzoo.data.ImageSet images, int positiveLabel) {
            float[] px = images.pixels();
            int d = images.shape().size();
            double[][] x = new double[images.count()][d];
            int[] y = new int[images.count()];
            int[] labels = images.labels();
            for (int i = 0; i < x.length; i++) {
                for (int k = 0; k < d; k++) {
                    x[i][k] = px[i * d + k];
                }
                y[i] = labels[i] == positiveLabel ? 1 : -1;
            }
            return new Points(x, y);
        }
    }
}
