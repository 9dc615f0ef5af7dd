package org.nnzoo.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.nnzoo.train.Reproducible;

/**
 * A 2-D convolution that may have a stride: DJL's {@link Conv2d} (the same parameters, initialisation, output shape
 * and, up to rounding, output), except that in the reproducible mode ({@link Reproducible}) a strided convolution is
 * trained by im2col and oneMKL's matrix products ({@link TorchOps#conv2dIm2col}, PyTorch's {@code thnn_conv2d})
 * instead of oneDNN's kernels. Evaluation ({@code training == false}) runs DJL's convolution, and so does training of
 * a grouped or dilated convolution, which im2col does not cover (none in this library: such a layer would train with
 * oneDNN's strided kernel, outside the mode's promise).
 *
 * <p>Why: for the gradient of a strided convolution with respect to its input, oneDNN (the library behind PyTorch's
 * CPU convolutions) picks a kernel ({@code brgconv_strided}) whose blocking, and with it the order of its additions,
 * depends on the CPU's cache sizes, so another CPU would give other last bits. The im2col path's additions are
 * oneMKL's GEMM, whose code branch the mode fixes, and col2im's, in a fixed order. Until 2026-12-07 the mode trained a
 * strided convolution as a sum of stride-1 ones (its polyphase decomposition): the same arithmetic in oneDNN, but
 * the gathers, zero-filled gradients and sums around it cost more than im2col's slower products (chapter 4's ResNet
 * in its training loop: about 10 % more images per second with im2col; BENCHMARKS.md). With the mode off this class
 * is exactly {@link Conv2d}.
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
        return new NDList(TorchOps.conv2dIm2col(x, w, b, stride, padding));
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
