package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Sinusoidal positional encoding (A. Vaswani et al., "Attention is all you need", NeurIPS 2017): attention
 * is blind to order, so each position {@code p} gets a fixed vector added to its embedding,
 * <pre>
 *   PE(p, 2i) = sin(p / 10000^(2i/d)),   PE(p, 2i+1) = cos(p / 10000^(2i/d)),
 * </pre>
 * whose frequencies form a geometric series; {@code PE(p + k)} is a linear function of {@code PE(p)}, so
 * relative offsets are easy to learn. No parameters. Input and output {@code (B, T, d)}.
 */
public final class PositionalEncoding extends AbstractBlock {

    /** @return the {@code (length, d)} table of encodings */
    public static float[][] table(int length, int d) {
        if (length < 1 || d < 2 || d % 2 != 0) {
            throw new IllegalArgumentException("need length >= 1 and an even d >= 2, got " + length + ", " + d);
        }
        // excerpt-begin: table
        float[][] pe = new float[length][d];
        for (int p = 0; p < length; p++) {
            for (int i = 0; i < d; i += 2) {                      // i = 2i of the formula: even dimensions
                double angle = p / Math.pow(10000, (double) i / d); // p / 10000^(2i/d)
                pe[p][i] = (float) Math.sin(angle);                 // PE(p, 2i)
                pe[p][i + 1] = (float) Math.cos(angle);             // PE(p, 2i+1): same frequency, cosine
            }
        }
        return pe;
        // excerpt-end: table
    }

    /** @return the encodings as an array {@code (length, d)} */
    public static NDArray create(NDManager manager, int length, int d) {
        float[][] t = table(length, d);
        float[] flat = new float[length * d];
        for (int p = 0; p < length; p++) {
            System.arraycopy(t[p], 0, flat, p * d, d);
        }
        return manager.create(flat, new Shape(length, d));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        if (x.getShape().dimension() != 3) {
            throw new IllegalArgumentException("PositionalEncoding expects (batch, time, d), got " + x.getShape());
        }
        NDArray pe = create(x.getManager(), (int) x.getShape().get(1), (int) x.getShape().get(2)).toType(x.getDataType(), false);
        return new NDList(x.add(pe));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
