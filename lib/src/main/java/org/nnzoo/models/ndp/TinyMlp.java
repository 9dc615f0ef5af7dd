package org.nnzoo.models.ndp;

/**
 * A one-hidden-layer perceptron with tanh on both layers, {@code y = tanh(W2 tanh(W1 x + b1) + b2)}, whose
 * parameters are a slice of an evolved genome: the form of every learned function in the NDP (Najarro et al.
 * use {@code torch.nn.Sequential(Linear, Tanh, Linear, Tanh)} with biases, parameters loaded from the CMA-ES
 * vector with {@code vector_to_parameters}, so in the same order: W1 row by row, b1, W2 row by row, b2).
 *
 * <p>Plain arrays, no DJL: the networks here have a few dozen weights and are called millions of times
 * from several threads; one native call would cost more than the whole computation, and nothing is trained by
 * gradient.
 */
public final class TinyMlp {

    private final double[] p;
    private final int offset;
    private final int in;
    private final int hidden;
    private final int out;

    /**
     * @param genome the parameter vector (read, not copied: the genome must not change while this is used)
     * @param offset index of W1[0][0] in it
     */
    public TinyMlp(double[] genome, int offset, int in, int hidden, int out) {
        if (in < 1 || hidden < 1 || out < 1) {
            throw new IllegalArgumentException("TinyMlp sizes must be positive, got in " + in + ", hidden " + hidden + ", out " + out);
        }
        if (offset < 0 || offset + size(in, hidden, out) > genome.length) {
            throw new IllegalArgumentException("genome of length " + genome.length + " has no " + size(in, hidden, out)
                    + " parameters from offset " + offset);
        }
        this.p = genome;
        this.offset = offset;
        this.in = in;
        this.hidden = hidden;
        this.out = out;
    }

    /** @return the number of parameters: {@code hidden (in + 1) + out (hidden + 1)} */
    public static int size(int in, int hidden, int out) {
        return hidden * (in + 1) + out * (hidden + 1);
    }

    /** @return hidden units (the length of the scratch array {@link #forward} needs) */
    public int hidden() {
        return hidden;
    }

    /** @return the number of parameters of this network */
    public int size() {
        return size(in, hidden, out);
    }

    /**
     * @param x   input of length {@code in}, read from {@code x[xOff]}
     * @param y   output of length {@code out}, written from {@code y[yOff]}
     * @param tmp scratch of at least {@code hidden} values
     */
    public void forward(double[] x, int xOff, double[] y, int yOff, double[] tmp) {
        int w1 = offset;
        int b1 = w1 + hidden * in;
        int w2 = b1 + hidden;
        int b2 = w2 + out * hidden;
        for (int h = 0; h < hidden; h++) {
            double s = p[b1 + h];
            int row = w1 + h * in;
            for (int i = 0; i < in; i++) {
                s += p[row + i] * x[xOff + i];
            }
            tmp[h] = Math.tanh(s);                      // hidden = tanh(W1 x + b1)
        }
        for (int o = 0; o < out; o++) {
            double s = p[b2 + o];
            int row = w2 + o * hidden;
            for (int h = 0; h < hidden; h++) {
                s += p[row + h] * tmp[h];
            }
            y[yOff + o] = Math.tanh(s);                 // y = tanh(W2 hidden + b2)
        }
    }

    /** Convenience form: a new output array. */
    public double[] apply(double[] x) {
        double[] y = new double[out];
        forward(x, 0, y, 0, new double[hidden]);
        return y;
    }
}
