package org.nnzoo.train;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for arithmetic that autograd differentiates through.
 *
 * <p>DJL 0.35.1's PyTorch engine implements {@code x.mul(3f)} (and {@code div}, {@code minimum}, ... with a
 * Java number) by wrapping the number in a temporary tensor over Java-owned memory and closing it right
 * after the operation. Autograd keeps that tensor for the backward pass; once the garbage collector has
 * run, backward reads freed memory and the gradients are wrong. Measured here: 200 of 200 iterations gave
 * a wrong gradient for {@code x.mul(3f)} with a GC before backward ({@code ScalarsTest}). The workaround is
 * to keep the scalar as an array in the operand's manager, alive until that manager (the batch's) closes:
 * {@code x.mul(Scalars.of(x, 3f))}. Operations whose backward does not need the scalar ({@code add},
 * {@code sub}) and code outside a gradient collector are not affected.
 */
public final class Scalars {

    private Scalars() {
    }

    /** @return {@code value} as a 0-d float32 array in the manager of {@code like} */
    public static NDArray of(NDArray like, float value) {
        return like.getManager().create(value);
    }
}
