package org.nnzoo.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.nnzoo.train.Reproducible;

/**
 * A 2-D convolution that may have a stride: DJL's {@link Conv2d} (the same parameters, initialisation, output shape
 * and, up to rounding, output), except that in the reproducible mode ({@link Reproducible}) a strided convolution
 * is trained as a sum of stride-1 convolutions. For stride {@code s}, output pixel {@code (i, j)} reads the padded
 * input's pixels {@code (s i + u, s j + v)}; grouping the kernel taps by {@code (u mod s, v mod s)} splits it into
 * (at most {@code s^2}) "phases": phase {@code (a, b)} convolves the sub-image {@code padded[a::s, b::s]} with the
 * sub-kernel {@code w[a::s, b::s]} at stride 1, and the phases add up to the strided convolution (the polyphase
 * decomposition of signal processing). Evaluation ({@code training == false}) runs the strided convolution itself.
 *
 * <p>Why: for the gradient of a strided convolution with respect to its input, oneDNN (the library behind PyTorch's
 * CPU convolutions) picks a kernel ({@code brgconv_strided}) whose blocking, and with it the order of its additions,
 * depends on the CPU's cache sizes, so another CPU would give other last bits. The stride-1 kernels that the phases
 * run depend only on the instruction set and the thread count. The multiply-adds are those of the strided
 * convolution, in up to {@code s^2} smaller calls; the price is the copies around them (padding, the phases' gathers,
 * their gradients), about 1.2-1.5 times the ResNet of chapter 4's training step. With the mode off it is exactly
 * {@link Conv2d}.
 */
public final class StridedConv2d extends Conv2d {

    private StridedConv2d(Builder builder) {
        super(builder);
    }

    /** @return a builder, the same as {@link Conv2d#builder()} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (!training || stride.get(0) == 1 && stride.get(1) == 1 || groups != 1 || dilation.get(0) != 1
                || dilation.get(1) != 1 || inputs.head().getShape().dimension() != 4 || !Reproducible.isOn()) {
            return super.forwardInternal(parameterStore, inputs, training, params);
        }
        NDArray x = inputs.singletonOrThrow();
        Device device = x.getDevice();
        NDArray w = parameterStore.getValue(weight, device, training);
        NDArray b = bias == null ? null : parameterStore.getValue(bias, device, training);
        return new NDList(phases(x, w, b, (int) stride.get(0), (int) stride.get(1), padding.get(0), padding.get(1)));
    }

    /**
     * The strided convolution as a sum of stride-1 convolutions, one per phase {@code (a, b)}.
     *
     * @return {@code conv2d(x, w, b, stride (sh, sw), padding (ph, pw))}, the same up to rounding
     */
    static NDArray phases(NDArray x, NDArray w, NDArray b, int sh, int sw, long ph, long pw) {
        NDArray padded = ph == 0 && pw == 0 ? x : x.pad(new Shape(pw, pw, ph, ph), 0);
        long kh = w.getShape().get(2);
        long kw = w.getShape().get(3);
        long oh = (padded.getShape().get(2) - kh) / sh + 1;
        long ow = (padded.getShape().get(3) - kw) / sw + 1;
        Shape one = new Shape(1, 1);
        Shape none = new Shape(0, 0);
        NDArray y = null;
        for (int a = 0; a < Math.min(sh, kh); a++) {
            for (int c = 0; c < Math.min(sw, kw); c++) {
                NDArray phase = padded.get(new NDIndex(":, :, {}::{}, {}::{}", a, sh, c, sw));
                NDArray taps = w.get(new NDIndex(":, :, {}::{}, {}::{}", a, sh, c, sw));
                NDArray part = Conv2d.conv2d(phase, taps, null, one, none).singletonOrThrow()
                        .get(new NDIndex(":, :, :{}, :{}", oh, ow));
                y = y == null ? part : y.add(part);
            }
        }
        return b == null ? y : y.add(b.reshape(1, -1, 1, 1));
    }

    /** Builds a {@link StridedConv2d}; the options are {@link Conv2d.Builder}'s. */
    public static final class Builder extends Conv2d.Builder {

        private Builder() {
        }

        @Override
        public StridedConv2d build() {
            validate();
            return new StridedConv2d(this);
        }
    }
}
