package org.nnzoo.models;

import java.util.SplittableRandom;
import org.nnzoo.train.Interrupt;

/**
 * A two-layer network with backpropagation written by hand in plain Java, for teaching:
 * {@code h = tanh(x W1 + b1)}, {@code z = h W2 + b2}, {@code p = softmax(z)}, loss
 * {@code L = -(1/n) sum_i log p_i[y_i]}.
 *
 * <p>Backward pass (chain rule, matrix form):
 * {@code dz = (p - onehot(y)) / n}, {@code dW2 = h^T dz}, {@code db2 = sum_rows dz},
 * {@code dh = dz W2^T}, {@code da = dh * (1 - h^2)}, {@code dW1 = x^T da}, {@code db1 = sum_rows da}.
 * The unit test checks these gradients against DJL's autograd. Rumelhart, Hinton, Williams, Nature 1986.
 */
public final class ScratchMlp {

    /** Parameters, row-major: {@code w1[in][hidden]}, {@code w2[hidden][out]}. */
    public final double[][] w1;
    public final double[] b1;
    public final double[][] w2;
    public final double[] b2;

    /** Gradients of the loss w.r.t. each parameter, as of the last {@link #lossAndGradients} call. */
    public final double[][] dw1;
    public final double[] db1;
    public final double[][] dw2;
    public final double[] db2;

    /**
     * Creates the network with weights drawn from N(0, 1/fan_in) (LeCun initialisation) and zero biases.
     */
    public ScratchMlp(int inputs, int hidden, int outputs, long seed) {
        if (inputs < 1 || hidden < 1 || outputs < 2) {
            throw new IllegalArgumentException("need inputs >= 1, hidden >= 1, outputs >= 2; got " + inputs + ", " + hidden + ", " + outputs);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        w1 = gaussian(inputs, hidden, 1 / Math.sqrt(inputs), rnd);
        w2 = gaussian(hidden, outputs, 1 / Math.sqrt(hidden), rnd);
        b1 = new double[hidden];
        b2 = new double[outputs];
        dw1 = new double[inputs][hidden];
        dw2 = new double[hidden][outputs];
        db1 = new double[hidden];
        db2 = new double[outputs];
    }

    /** @return class probabilities {@code p[i][k]} for each sample */
    public double[][] predictProba(double[][] x) {
        double[][] h = hidden(x);
        return softmax(logits(h));
    }

    /** @return the most probable class of each sample */
    public int[] predict(double[][] x) {
        double[][] p = predictProba(x);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            for (int k = 1; k < p[i].length; k++) {
                if (p[i][k] > p[i][out[i]]) {
                    out[i] = k;
                }
            }
        }
        return out;
    }

    /**
     * Forward and backward pass over a batch: fills the gradient fields.
     *
     * @return the mean cross-entropy loss
     */
    public double lossAndGradients(double[][] x, int[] y) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("need the same non-zero number of samples and labels, got " + n + " and " + y.length);
        }
        // excerpt-begin: loss
        double[][] h = hidden(x);                            // H = tanh(X W1 + b1)
        double[][] p = softmax(logits(h));                   // P = softmax(H W2 + b2)
        double loss = 0;
        int out = b2.length;
        int hid = b1.length;
        double[][] dz = new double[n][out];
        for (int i = 0; i < n; i++) {
            // excerpt-skip: check the label
            if (y[i] < 0 || y[i] >= out) {
                throw new IllegalArgumentException("label " + i + " is " + y[i] + ", outside [0," + out + ")");
            }
            // excerpt-resume
            loss -= Math.log(p[i][y[i]]);                    // L = -(1/n) sum_i log P[i][y_i]
            for (int k = 0; k < out; k++) {
                dz[i][k] = (p[i][k] - (k == y[i] ? 1 : 0)) / n;  // dL/dZ = (P - Y) / n
            }
        }
        // excerpt-end: loss
        zero(dw1);
        zero(dw2);
        java.util.Arrays.fill(db1, 0);
        java.util.Arrays.fill(db2, 0);
        // excerpt-begin: backward
        for (int i = 0; i < n; i++) {                        // the sum over samples in H^T dZ, X^T dA, ...
            double[] da = new double[hid];
            for (int j = 0; j < hid; j++) {
                double dh = 0;
                for (int k = 0; k < out; k++) {
                    dw2[j][k] += h[i][j] * dz[i][k];         // dL/dW2 = H^T dZ
                    dh += dz[i][k] * w2[j][k];               // dL/dH  = dZ W2^T
                }
                da[j] = dh * (1 - h[i][j] * h[i][j]);        // dL/dA  = dL/dH * (1 - H^2), as tanh' = 1 - tanh^2
                db1[j] += da[j];                             // dL/db1 = sum over samples of dL/dA
            }
            for (int k = 0; k < out; k++) {
                db2[k] += dz[i][k];                          // dL/db2 = sum over samples of dL/dZ
            }
            for (int d = 0; d < x[i].length; d++) {
                for (int j = 0; j < hid; j++) {
                    dw1[d][j] += x[i][d] * da[j];            // dL/dW1 = X^T dL/dA
                }
            }
        }
        return loss / n;
        // excerpt-end: backward
    }

    /** One step of plain gradient descent with the gradients of the last {@link #lossAndGradients}. */
    public void step(double learningRate) {
        for (int d = 0; d < w1.length; d++) {
            for (int j = 0; j < b1.length; j++) {
                w1[d][j] -= learningRate * dw1[d][j];
            }
        }
        for (int j = 0; j < b1.length; j++) {
            b1[j] -= learningRate * db1[j];
            for (int k = 0; k < b2.length; k++) {
                w2[j][k] -= learningRate * dw2[j][k];
            }
        }
        for (int k = 0; k < b2.length; k++) {
            b2[k] -= learningRate * db2[k];
        }
    }

    /**
     * Full-batch gradient descent.
     *
     * @return the loss at each step
     */
    public double[] train(double[][] x, int[] y, int steps, double learningRate) {
        double[] losses = new double[steps];
        for (int s = 0; s < steps; s++) {
            int done = s;
            Interrupt.check(() -> "step " + (done + 1) + " of " + steps, Interrupt.KEEPS_WEIGHTS);
            losses[s] = lossAndGradients(x, y);
            step(learningRate);
        }
        return losses;
    }

    /** @return the hidden layer {@code H = tanh(X W1 + b1)}, {@code h[i][j]} for sample {@code i} */
    public double[][] hidden(double[][] x) {
        // excerpt-begin: hidden
        double[][] h = new double[x.length][b1.length];
        for (int i = 0; i < x.length; i++) {
            // excerpt-skip: check the number of features
            if (x[i].length != w1.length) {
                throw new IllegalArgumentException("sample " + i + " has " + x[i].length + " features, the network " + w1.length);
            }
            // excerpt-resume
            for (int j = 0; j < b1.length; j++) {
                double a = b1[j];
                for (int d = 0; d < w1.length; d++) {
                    a += x[i][d] * w1[d][j];                 // A = X W1 + b1
                }
                h[i][j] = Math.tanh(a);                      // H = tanh(A)
            }
        }
        return h;
        // excerpt-end: hidden
    }

    /** @return the logits {@code Z = H W2 + b2} of the hidden layer {@code h} (the softmax comes after) */
    public double[][] logits(double[][] h) {
        // excerpt-begin: logits
        double[][] z = new double[h.length][b2.length];
        for (int i = 0; i < h.length; i++) {
            for (int k = 0; k < b2.length; k++) {
                double a = b2[k];
                for (int j = 0; j < b1.length; j++) {
                    a += h[i][j] * w2[j][k];                 // Z = H W2 + b2
                }
                z[i][k] = a;
            }
        }
        return z;
        // excerpt-end: logits
    }

    private static double[][] softmax(double[][] z) {
        double[][] p = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z[i]) {
                max = Math.max(max, v);
            }
            double sum = 0;
            p[i] = new double[z[i].length];
            for (int k = 0; k < z[i].length; k++) {
                p[i][k] = Math.exp(z[i][k] - max);
                sum += p[i][k];
            }
            for (int k = 0; k < z[i].length; k++) {
                p[i][k] /= sum;
            }
        }
        return p;
    }

    private static double[][] gaussian(int rows, int cols, double std, SplittableRandom rnd) {
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                // Box-Muller from two uniforms
                double u1 = 1 - rnd.nextDouble();
                double u2 = rnd.nextDouble();
                m[r][c] = std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            }
        }
        return m;
    }

    private static void zero(double[][] m) {
        for (double[] row : m) {
            java.util.Arrays.fill(row, 0);
        }
    }

    /**
     * Recomputes the gradients of the loss with DJL's autograd (float64, same weights and data) and
     * compares them with the hand-written ones.
     *
     * @return the largest absolute difference over all parameters (about 1e-16 when the backward pass is right)
     */
    public double maxGradientErrorVsAutograd(double[][] x, int[] y) {
        lossAndGradients(x, y);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            ai.djl.ndarray.NDArray pw1 = m.create(flatten(w1), new ai.djl.ndarray.types.Shape(w1.length, b1.length));
            ai.djl.ndarray.NDArray pw2 = m.create(flatten(w2), new ai.djl.ndarray.types.Shape(w2.length, b2.length));
            ai.djl.ndarray.NDArray pb1 = m.create(b1);
            ai.djl.ndarray.NDArray pb2 = m.create(b2);
            for (ai.djl.ndarray.NDArray p : new ai.djl.ndarray.NDArray[] {pw1, pw2, pb1, pb2}) {
                p.setRequiresGradient(true);
            }
            ai.djl.ndarray.NDArray xs = m.create(flatten(x), new ai.djl.ndarray.types.Shape(x.length, w1.length));
            ai.djl.ndarray.NDArray ys = m.create(y).toType(ai.djl.ndarray.types.DataType.INT64, false).reshape(-1, 1);
            try (ai.djl.training.GradientCollector gc = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                ai.djl.ndarray.NDArray logp = xs.matMul(pw1).add(pb1).tanh().matMul(pw2).add(pb2).logSoftmax(1);
                gc.backward(logp.gather(ys, 1).mean().neg());
            }
            double err = 0;
            err = Math.max(err, maxAbsDiff(flatten(dw1), pw1.getGradient().toDoubleArray()));
            err = Math.max(err, maxAbsDiff(flatten(dw2), pw2.getGradient().toDoubleArray()));
            err = Math.max(err, maxAbsDiff(db1, pb1.getGradient().toDoubleArray()));
            return Math.max(err, maxAbsDiff(db2, pb2.getGradient().toDoubleArray()));
        }
    }

    private static double[] flatten(double[][] a) {
        double[] flat = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, flat, i * a[0].length, a[0].length);
        }
        return flat;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    /**
     * The classic "spiral" toy problem: {@code classes} interleaved spiral arms in 2-D with noise,
     * which no linear model can separate.
     *
     * @return {@code x} (n*classes points) with class labels
     */
    public static Spiral spiral(int perClass, int classes, double noise, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[perClass * classes][];
        int[] y = new int[perClass * classes];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                double r = i / (double) perClass;
                double t = c * 4.0 + 4.0 * r + noise * (rnd.nextDouble() * 2 - 1) * 2;
                x[c * perClass + i] = new double[] {r * Math.sin(t), r * Math.cos(t)};
                y[c * perClass + i] = c;
            }
        }
        return new Spiral(x, y);
    }

    /** Points with class labels. */
    public record Spiral(double[][] x, int[] y) {
    }
}
