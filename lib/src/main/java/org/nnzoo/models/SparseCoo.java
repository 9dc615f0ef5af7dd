package org.nnzoo.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.FloatBuffer;

/** Sparse COO matrices built in Java and handed to DJL: {@link Adjacency#toSparse}, {@link FullGraph}'s features. */
final class SparseCoo {

    private SparseCoo() {
    }

    /**
     * A sparse COO matrix from Java arrays, in {@code manager} and owning its memory.
     *
     * <p>DJL 0.35.1's {@code createCoo} builds the sparse tensor on top of two temporary arrays that wrap Java
     * direct buffers, then closes them: the sparse tensor keeps pointing into memory the JVM frees at its next
     * garbage collection (seen here as "index out of row bound: 139938288896080"). So the tensor is cloned at
     * once into PyTorch-owned memory, and the clone is checked against the row sums computed in Java.
     *
     * @return the {@code (rowCount, colCount)} matrix whose stored entries are {@code (rows[k], cols[k], values[k])}
     *     (pass each position once; the tensor is not marked coalesced)
     */
    static NDArray of(NDManager manager, long[] rows, long[] cols, float[] values, int rowCount, int colCount) {
        NDArray owned;
        try (NDManager tmp = manager.newSubManager()) {
            NDArray raw = tmp.createCoo(FloatBuffer.wrap(values), new long[][] {rows, cols},
                    new Shape(rowCount, colCount));
            owned = raw.duplicate();
            owned.attach(manager);
        }
        double[] expected = new double[rowCount];
        for (int k = 0; k < values.length; k++) {
            expected[(int) rows[k]] += values[k];
        }
        try (NDManager tmp = manager.newSubManager()) {
            owned.tempAttach(tmp); // the check's result lands in tmp; owned returns to manager afterwards
            float[] got = owned.matMul(tmp.ones(new Shape(colCount, 1))).toFloatArray();
            for (int i = 0; i < rowCount; i++) {
                if (Math.abs(got[i] - expected[i]) > 1e-4 * Math.max(1, Math.abs(expected[i]))) {
                    throw new IllegalStateException("the sparse matrix built by DJL is corrupt at row " + i
                            + " (row sum " + got[i] + ", expected " + expected[i] + ")");
                }
            }
        }
        return owned;
    }

    /**
     * @return the sparse COO matrix of the non-zero entries of {@code dense}, a {@code (rowCount, colCount)} matrix
     *     stored row after row, in {@code manager} ({@link #of})
     */
    static NDArray fromDense(NDManager manager, float[] dense, int rowCount, int colCount) {
        int nnz = 0;
        for (float v : dense) {
            nnz += v != 0f ? 1 : 0;
        }
        long[] rows = new long[nnz];
        long[] cols = new long[nnz];
        float[] values = new float[nnz];
        int k = 0;
        for (int i = 0; i < dense.length; i++) {
            if (dense[i] != 0f) {
                rows[k] = i / colCount;
                cols[k] = i % colCount;
                values[k++] = dense[i];
            }
        }
        return of(manager, rows, cols, values, rowCount, colCount);
    }
}
