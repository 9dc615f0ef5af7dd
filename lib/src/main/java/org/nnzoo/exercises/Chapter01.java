package org.nnzoo.exercises;

import java.util.Arrays;

import org.nnzoo.models.Perceptron;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 1 (the perceptron): the perceptron learning rule, checked against {@link Perceptron#update}. */
public final class Chapter01 {

    /** Relative tolerance (the rule is a few multiply-adds in double precision). */
    private static final double TOLERANCE = 1e-9;

    private Chapter01() {
    }

    /**
     * Exercise 1.1: the perceptron rule on one sample {@code x} with label {@code y} (+1 or -1): if the
     * sample is misclassified, move the weights {@code w} (in place) and the bias towards it; return the
     * new bias (the old one when nothing changes).
     */
    @FunctionalInterface
    public interface Rule {
        double update(double[] w, double b, double[] x, int y, double learningRate);
    }

    /** The runs of 1.1: a data set, a learning rate and a number of passes in a fixed order. */
    private record Run(String what, Perceptron.Points data, double learningRate, int epochs) {
    }

    @Checks("1.1")
    public static Report rule(Rule answer) {
        Report r = new Report("1.1");
        Run[] runs = {
            new Run("separable 2-D points, learning rate 1, 2 passes", sample(Perceptron.separableData(200, 0.05, 11), 25), 1.0, 2),
            new Run("separable 2-D points, learning rate 0.3, 3 passes", sample(Perceptron.separableData(200, 0.02, 12), 25), 0.3, 3),
            new Run("the four XOR points, learning rate 0.5, 3 passes", Perceptron.xorData(), 0.5, 3),
        };
        for (Run run : runs) {
            trajectory(r, answer, run);
        }
        return r;
    }

    /** Applies the answer and the library's rule step by step from zero weights; stops at the first difference. */
    private static void trajectory(Report r, Rule answer, Run run) {
        double[][] x = run.data().x();
        int[] y = run.data().y();
        int d = x[0].length;
        Perceptron reference = new Perceptron(d);
        int step = 0;
        for (int e = 0; e < run.epochs(); e++) {
            for (int i = 0; i < x.length; i++) {
                step++;
                double[] w0 = reference.weights();
                double b0 = reference.bias();
                double score = reference.score(x[i]);
                boolean mistake = reference.update(x[i], y[i], run.learningRate());
                double[] w = w0.clone();
                double b = answer.update(w, b0, x[i].clone(), y[i], run.learningRate());
                double[] got = Arrays.copyOf(w, d + 1);
                got[d] = b;
                double[] expected = Arrays.copyOf(reference.weights(), d + 1);
                expected[d] = reference.bias();
                String at = String.format("%s: step %d (sample %s, y = %+d, score w·x + b = %.4g before, %s)", run.what(),
                        step, format(x[i]), y[i], score, mistake ? "a mistake" : "correctly classified");
                if (!close(got, expected)) {
                    r.compare(at + ", weights then bias", got, expected, TOLERANCE);
                    hints(r, w0, b0, x[i], y[i], run.learningRate(), score, mistake, w, b);
                    return;
                }
            }
        }
        r.pass(run.what() + ": all " + step + " steps as the library's Perceptron.update");
    }

    private static void hints(Report r, double[] w0, double b0, double[] x, int y, double lr, double score, boolean mistake,
                              double[] w, double b) {
        boolean wUnchanged = close(w, w0);
        boolean bUnchanged = Math.abs(b - b0) <= TOLERANCE;
        String hint = null;
        if (score == 0 && wUnchanged && bUnchanged) {
            hint = "a sample exactly on the boundary (score 0, as every sample is at the start from w = 0, b = 0)"
                    + " counts as a mistake: update when y (w·x + b) <= 0, not < 0";
        } else if (!mistake && close(w, moved(w0, x, lr * y))) {
            hint = "you moved the weights on a correctly classified sample: only a mistake, y (w·x + b) <= 0,"
                    + " changes anything";
        } else if (mistake && close(w, moved(w0, x, -lr * y))) {
            hint = "the step goes the wrong way: move towards the sample, w + lr * y * x (and b + lr * y)";
        } else if (mistake && lr != 1 && close(w, moved(w0, x, y))) {
            hint = "the learning rate is missing: w + lr * y * x";
        } else if (mistake && close(w, moved(w0, x, lr * y)) && bUnchanged) {
            hint = "the weights are right but the bias did not move: return b + lr * y";
        } else if (mistake && wUnchanged && !bUnchanged) {
            hint = "the bias moved but w did not: change the array w in place (w[k] += ...), the check reads it"
                    + " after your call";
        }
        r.hint(hint != null, hint);
    }

    private static double[] moved(double[] w0, double[] x, double step) {
        double[] w = w0.clone();
        for (int k = 0; k < w.length; k++) {
            w[k] += step * x[k];
        }
        return w;
    }

    private static boolean close(double[] a, double[] b) {
        return Arrays3.close(a, b, TOLERANCE);
    }

    private static String format(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < v.length; k++) {
            sb.append(k == 0 ? "" : ", ").append(String.format("%.4g", v[k]));
        }
        return sb.append(']').toString();
    }

    /** @return the first {@code n} points of {@code p} */
    private static Perceptron.Points sample(Perceptron.Points p, int n) {
        return new Perceptron.Points(Arrays.copyOf(p.x(), n), Arrays.copyOf(p.y(), n));
    }
}
