package org.nnzoo.models;

/**
 * The 2-D convolution (and max-pooling) of a convolutional network written as plain loops, to show what
 * {@code Conv2d} computes. Layout is channel-first, as in DJL and PyTorch: an input {@code (N, C, H, W)}
 * and a kernel {@code (F, C, KH, KW)} give
 * <pre>
 * y[n][f][i][j] = b[f] + sum_c sum_u sum_v  w[f][c][u][v] * x[n][c][i*s + u - p][j*s + v - p]
 * </pre>
 * with stride {@code s}, zero padding {@code p} (out-of-range inputs count as 0) and output size
 * {@code (H + 2p - KH) / s + 1}. Like every deep-learning library this is cross-correlation: the kernel is
 * not flipped. Checked against DJL's {@code Conv2d} in {@code ScratchConv2dTest}.
 *
 * <p>Y. LeCun et al., "Backpropagation applied to handwritten zip code recognition", Neural Computation 1(4),
 * 1989; V. Dumoulin, F. Visin, "A guide to convolution arithmetic for deep learning", arXiv:1603.07285.
 */
public final class ScratchConv2d {

    private ScratchConv2d() {
    }

    /** @return the output side length of a convolution or pooling window sliding over {@code size} values */
    public static int outputSize(int size, int kernel, int stride, int padding) {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("need kernel >= 1, stride >= 1, padding >= 0; got kernel " + kernel
                    + ", stride " + stride + ", padding " + padding);
        }
        int out = (size + 2 * padding - kernel) / stride + 1;
        if (out < 1) {
            throw new IllegalArgumentException("a " + kernel + "-wide kernel does not fit in " + size
                    + " values with padding " + padding + ": use more padding or a smaller kernel");
        }
        return out;
    }

    /**
     * @param x       input, {@code n*c*h*w} values, channel-first
     * @param w       kernel, {@code f*c*kh*kw} values
     * @param bias    {@code f} values, or null for none
     * @param stride  step of the window
     * @param padding zeros added on every side
     * @return output, {@code n*f*oh*ow} values
     */
    public static float[] conv2d(float[] x, int n, int c, int h, int wd, float[] w, int f, int kh, int kw,
                                 float[] bias, int stride, int padding) {
        if (x.length != n * c * h * wd) {
            throw new IllegalArgumentException("x has " + x.length + " values, not n*c*h*w = " + n * c * h * wd);
        }
        if (w.length != f * c * kh * kw) {
            throw new IllegalArgumentException("kernel has " + w.length + " values, not f*c*kh*kw = " + f * c * kh * kw);
        }
        if (bias != null && bias.length != f) {
            throw new IllegalArgumentException("bias has " + bias.length + " values for " + f + " filters");
        }
        // excerpt-begin: conv2d
        int oh = outputSize(h, kh, stride, padding);
        int ow = outputSize(wd, kw, stride, padding);
        float[] y = new float[n * f * oh * ow];
        for (int s = 0; s < n; s++) {
            for (int o = 0; o < f; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ch = 0; ch < c; ch++) {
                            for (int u = 0; u < kh; u++) {
                                int r = i * stride + u - padding;
                                if (r < 0 || r >= h) {
                                    continue;
                                }
                                for (int v = 0; v < kw; v++) {
                                    int col = j * stride + v - padding;
                                    if (col < 0 || col >= wd) {
                                        continue;
                                    }
                                    acc += w[((o * c + ch) * kh + u) * kw + v] * x[((s * c + ch) * h + r) * wd + col];
                                }
                            }
                        }
                        y[((s * f + o) * oh + i) * ow + j] = (float) acc;
                    }
                }
            }
        }
        return y;
        // excerpt-end: conv2d
    }

    /**
     * Max-pooling: the largest value in each {@code k x k} window, windows {@code stride} apart (no padding).
     *
     * @return {@code n*c*oh*ow} values
     */
    public static float[] maxPool2d(float[] x, int n, int c, int h, int wd, int k, int stride) {
        if (x.length != n * c * h * wd) {
            throw new IllegalArgumentException("x has " + x.length + " values, not n*c*h*w = " + n * c * h * wd);
        }
        int oh = outputSize(h, k, stride, 0);
        int ow = outputSize(wd, k, stride, 0);
        float[] y = new float[n * c * oh * ow];
        for (int p = 0; p < n * c; p++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int u = 0; u < k; u++) {
                        for (int v = 0; v < k; v++) {
                            best = Math.max(best, x[(p * h + i * stride + u) * wd + j * stride + v]);
                        }
                    }
                    y[(p * oh + i) * ow + j] = best;
                }
            }
        }
        return y;
    }

    /**
     * Receptive field of a stack of layers: how many input pixels (per side) one output value sees.
     * {@code r_l = r_{l-1} + (k_l - 1) * j_{l-1}}, {@code j_l = j_{l-1} * s_l}, starting at {@code r = j = 1}.
     *
     * @param kernels kernel size of each layer, input side first
     * @param strides stride of each layer
     */
    public static int receptiveField(int[] kernels, int[] strides) {
        if (kernels.length != strides.length) {
            throw new IllegalArgumentException(kernels.length + " kernel sizes but " + strides.length + " strides");
        }
        int r = 1;
        int jump = 1;
        for (int l = 0; l < kernels.length; l++) {
            r += (kernels[l] - 1) * jump;
            jump *= strides[l];
        }
        return r;
    }
}
