package org.nnzoo.exercises;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.nnzoo.models.ScratchMlp;
import org.nnzoo.notebook.Exercise.Checks;
import org.nnzoo.notebook.Exercise.Report;

/** Chapter 2 (the MLP): backpropagation through the two-layer network, checked against {@link ScratchMlp}. */
public final class Chapter02 {

    private Chapter02() {
    }

    /** The gradients of the loss with respect to the four parameters, each shaped like its parameter. */
    public record Gradients(double[][] dw1, double[] db1, double[][] dw2, double[] db2) {
    }

    /**
     * Exercise 2.1: the backward pass of {@code H = tanh(X W1 + b1)}, {@code P = softmax(H W2 + b2)},
     * {@code L = -(1/n) sum_i log P[i][y_i]}, given the forward pass's {@code h} and {@code p}.
     */
    @FunctionalInterface
    public interface Backward {
        Gradients apply(double[][] x, int[] y, double[][] h, double[][] p, double[][] w2);
    }

    /** The cases of 2.1: inputs, hidden units, classes, samples. */
    private static final int[][] CASES = {{2, 3, 2, 1}, {2, 5, 3, 4}, {4, 6, 3, 10}, {3, 8, 5, 7}};

    /** The mistakes the hints recognise, as variants of the right backward pass. */
    private enum Variant { RIGHT, SUM_NOT_MEAN, Y_MINUS_P, NO_TANH_DERIVATIVE, ONE_MINUS_H }

    @Checks("2.1")
    public static Report backward(Backward answer) {
        Report r = new Report("2.1");
        SplittableRandom rnd = new SplittableRandom(21);
        for (int[] cs : CASES) {
            int d = cs[0], hid = cs[1], out = cs[2], n = cs[3];
            ScratchMlp net = new ScratchMlp(d, hid, out, rnd.nextLong());
            for (int j = 0; j < hid; j++) {
                net.b1[j] = rnd.nextDouble(-0.5, 0.5);
            }
            for (int k = 0; k < out; k++) {
                net.b2[k] = rnd.nextDouble(-0.5, 0.5);
            }
            double[][] x = new double[n][d];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < d; f++) {
                    x[i][f] = rnd.nextDouble(-2, 2);
                }
                y[i] = rnd.nextInt(out);
            }
            double[][] h = net.hidden(x);
            double[][] p = net.predictProba(x);
            net.lossAndGradients(x, y);
            Gradients expected = new Gradients(Arrays3.copy(net.dw1), net.db1.clone(), Arrays3.copy(net.dw2), net.db2.clone());
            String what = String.format("%d sample(s), %d inputs, %d hidden units, %d classes", n, d, hid, out);
            Gradients got = answer.apply(Arrays3.copy(x), y.clone(), Arrays3.copy(h), Arrays3.copy(p), Arrays3.copy(net.w2));
            if (got == null) {
                r.fail(what + ": your code returned null");
                continue;
            }
            String[] names = {"dW1", "db1", "dW2", "db2"};
            double[][] g = flat(got);
            double[][] e = flat(expected);
            int[][] shapes = {{d, hid}, {hid}, {hid, out}, {out}};
            int wrong = -1;
            for (int a = 0; a < 4 && wrong < 0; a++) {
                if (g[a] == null || !Arrays.equals(shapeOf(got, a), shapes[a])) {
                    r.fail(what + ": " + names[a] + " has shape " + (g[a] == null ? "null (or ragged)" : Arrays.toString(shapeOf(got, a)))
                            + ", expected " + Arrays.toString(shapes[a]) + " (each gradient has its parameter's shape)");
                    wrong = 4;
                } else if (!close(g[a], e[a])) {
                    r.compare(what + ": " + names[a], g[a], e[a], 1e-6);
                    wrong = a;
                }
            }
            if (wrong < 0) {
                r.pass(what + ": dW1, db1, dW2, db2 as ScratchMlp.lossAndGradients");
            } else if (wrong < 4) {
                hints(r, g, x, y, h, p, net.w2, wrong);
            }
        }
        return r;
    }

    private static void hints(Report r, double[][] got, double[][] x, int[] y, double[][] h, double[][] p, double[][] w2,
                              int wrong) {
        for (Variant v : Variant.values()) {
            if (v != Variant.RIGHT && matches(got, flat(reference(x, y, h, p, w2, v)))) {
                r.hint(true, switch (v) {
                    case SUM_NOT_MEAN -> "every gradient is n times too large: the loss is the mean over the batch,"
                            + " so dL/dZ = (P - Y) / n";
                    case Y_MINUS_P -> "every gradient has the wrong sign: dL/dZ = P - Y (probability minus one-hot label),"
                            + " not Y - P";
                    case NO_TANH_DERIVATIVE -> "dW2 and db2 are right, but the step back through tanh is missing:"
                            + " dL/dA = dL/dH * (1 - H^2)";
                    case ONE_MINUS_H -> "tanh'(A) is 1 - tanh(A)^2 = 1 - H^2 (H squared), not 1 - H";
                    default -> "";
                });
                return;
            }
        }
        r.hint(wrong >= 2, "dL/dZ = (P - Y) / n with Y one-hot; then dW2 = H^T dZ and db2 = the column sums of dZ");
        r.hint(wrong < 2, "dW2 and db2 are right, so dL/dZ is: the error is in dL/dH = dZ W2^T, dL/dA = dL/dH * (1 - H^2),"
                + " dW1 = X^T dL/dA or db1 = the column sums of dL/dA");
    }

    /** The backward pass with one of the recognised mistakes (the check's own, for the hints only). */
    private static Gradients reference(double[][] x, int[] y, double[][] h, double[][] p, double[][] w2, Variant v) {
        int n = x.length, d = x[0].length, hid = h[0].length, out = p[0].length;
        double[][] dw1 = new double[d][hid], dw2 = new double[hid][out];
        double[] db1 = new double[hid], db2 = new double[out];
        for (int i = 0; i < n; i++) {
            double[] dz = new double[out];
            for (int k = 0; k < out; k++) {
                double diff = p[i][k] - (k == y[i] ? 1 : 0);
                dz[k] = (v == Variant.Y_MINUS_P ? -diff : diff) / (v == Variant.SUM_NOT_MEAN ? 1 : n);
                db2[k] += dz[k];
            }
            for (int j = 0; j < hid; j++) {
                double dh = 0;
                for (int k = 0; k < out; k++) {
                    dw2[j][k] += h[i][j] * dz[k];
                    dh += dz[k] * w2[j][k];
                }
                double da = switch (v) {
                    case NO_TANH_DERIVATIVE -> dh;
                    case ONE_MINUS_H -> dh * (1 - h[i][j]);
                    default -> dh * (1 - h[i][j] * h[i][j]);
                };
                db1[j] += da;
                for (int f = 0; f < d; f++) {
                    dw1[f][j] += x[i][f] * da;
                }
            }
        }
        return new Gradients(dw1, db1, dw2, db2);
    }

    /** @return true when both have the same length and values within 1e-6 (relative, as Report.compare) */

    private static boolean close(double[] a, double[] b) {
        return Arrays3.close(a, b, 1e-6);
    }

    private static boolean matches(double[][] got, double[][] variant) {
        for (int a = 0; a < 4; a++) {
            if (!close(got[a], variant[a])) {
                return false;
            }
        }
        return true;
    }

    /** @return the four gradients as flat arrays (null where a gradient is null or ragged) */
    private static double[][] flat(Gradients g) {
        return new double[][] {flat(g.dw1()), g.db1() == null ? null : g.db1().clone(), flat(g.dw2()),
            g.db2() == null ? null : g.db2().clone()};
    }

    private static double[] flat(double[][] m) {
        if (m == null || m.length == 0 || m[0] == null) {
            return null;
        }
        double[] out = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            if (m[i] == null || m[i].length != m[0].length) {
                return null;
            }
            System.arraycopy(m[i], 0, out, i * m[0].length, m[0].length);
        }
        return out;
    }

    private static int[] shapeOf(Gradients g, int a) {
        return switch (a) {
            case 0 -> new int[] {g.dw1().length, g.dw1()[0].length};
            case 1 -> new int[] {g.db1().length};
            case 2 -> new int[] {g.dw2().length, g.dw2()[0].length};
            default -> new int[] {g.db2().length};
        };
    }

}
