package org.nnzoo.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Interprets the inert objects that {@link Pickle} builds as the values the Planetoid files hold: numpy arrays
 * ({@code numpy.core.multiarray._reconstruct} plus its BUILD state) and scipy CSR matrices
 * ({@code scipy.sparse.csr_matrix} with its {@code _shape}, {@code indptr}, {@code indices} and {@code data}).
 * Every field is checked before it is used (shapes, lengths, index ranges), so a damaged or hostile file is an
 * error that names it, never an out-of-bounds access or a huge allocation.
 */
final class PickledArrays {

    private PickledArrays() {
    }

    /** A numpy array: shape, element type ({@code i4}, {@code f4}, ...) and raw little-endian bytes. */
    record NdArray(long[] shape, String dtype, ByteBuffer data) {
        long size() {
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            return n;
        }

        int[] ints(String what) {
            requireType("i4", what);
            int[] out = new int[Math.toIntExact(size())];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
            return out;
        }

        float[] floats(String what) {
            requireType("f4", what);
            float[] out = new float[Math.toIntExact(size())];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        private void requireType(String expected, String what) {
            if (!dtype.equals(expected)) {
                throw new DataException(what + " has numpy type " + dtype + ", expected " + expected);
            }
        }
    }

    /** A scipy CSR matrix. */
    record Csr(int rows, int cols, int[] indptr, int[] indices, float[] data) {
    }

    /** Converts an unpickled numpy array ({@code numpy.core.multiarray._reconstruct} + BUILD). */
    static NdArray ndarray(Object o, String what) {
        if (!(o instanceof Pickle.PyObject p) || !p.global.name().equals("_reconstruct")
                || !(p.state instanceof List<?> st) || st.size() != 5) {
            throw invalid(what, "not a pickled numpy array (got " + Pickle.describe(o) + ")");
        }
        if (!(st.get(1) instanceof List<?> shapeList)) {
            throw invalid(what, "the numpy array's shape is " + Pickle.describe(st.get(1)) + ", not a tuple");
        }
        long[] shape = new long[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = size(shapeList.get(i), what, "shape[" + i + "]");
            count *= shape[i];
            if (count > Integer.MAX_VALUE) {
                throw invalid(what, "the numpy array's shape " + Pickle.describe(shapeList) + " has more elements than"
                        + " one Java array holds");
            }
        }
        if (!(st.get(2) instanceof Pickle.PyObject dt) || dt.args.isEmpty() || !(dt.args.get(0) instanceof byte[] descr)) {
            throw invalid(what, "numpy array without a dtype");
        }
        String dtype = new String(descr, StandardCharsets.ISO_8859_1);
        if (dt.state instanceof List<?> ds && ds.size() > 1 && ds.get(1) instanceof byte[] endian
                && new String(endian, StandardCharsets.ISO_8859_1).equals(">")) {
            throw new DataException(what + ": big-endian numpy arrays are not supported");
        }
        if (Boolean.TRUE.equals(st.get(3))) {
            throw new DataException(what + ": Fortran-order numpy arrays are not supported");
        }
        if (!(st.get(4) instanceof byte[] raw)) {
            throw invalid(what, "numpy array data is not a byte string");
        }
        int itemSize = dtype.length() > 1 && Character.isDigit(dtype.charAt(1)) ? dtype.charAt(1) - '0' : -1;
        if (itemSize > 0 && raw.length != count * itemSize) {
            throw invalid(what, "numpy array of shape " + Arrays.toString(shape) + " and type " + dtype
                    + " needs " + count * itemSize + " bytes but has " + raw.length);
        }
        return new NdArray(shape, dtype, ByteBuffer.wrap(raw));
    }

    /** Converts an unpickled {@code scipy.sparse.csr_matrix}, checking every field before using it. */
    static Csr csr(Object o, String what) {
        if (!(o instanceof Pickle.PyObject p) || !p.global.name().equals("csr_matrix") || !(p.state instanceof Map<?, ?> st)) {
            throw invalid(what, "not a pickled scipy CSR matrix (got " + Pickle.describe(o) + ")");
        }
        Object shapeObj = st.get(key(st, "_shape"));
        if (!(shapeObj instanceof List<?> shape) || shape.size() != 2) {
            throw invalid(what, "the CSR field _shape is " + Pickle.describe(shapeObj) + ", not a (rows, columns) pair");
        }
        int rows = size(shape.get(0), what, "CSR field _shape[0] (rows)");
        int cols = size(shape.get(1), what, "CSR field _shape[1] (columns)");
        int[] indptr = csrField(st, "indptr", what).ints(what + " CSR field indptr");
        int[] indices = csrField(st, "indices", what).ints(what + " CSR field indices");
        float[] data = csrField(st, "data", what).floats(what + " CSR field data");
        if (indptr.length != rows + 1) {
            throw invalid(what, "the CSR field indptr has " + indptr.length + " entries, but _shape says " + rows
                    + " rows, which need " + (rows + 1));
        }
        if (indices.length != data.length) {
            throw invalid(what, "the CSR fields indices and data differ in length (" + indices.length + " and "
                    + data.length + ")");
        }
        if (indptr[0] != 0 || indptr[rows] != indices.length) {
            throw invalid(what, "the CSR field indptr runs from " + indptr[0] + " to " + indptr[rows]
                    + ", but must run from 0 to the " + indices.length + " stored values");
        }
        for (int i = 0; i < rows; i++) {
            if (indptr[i + 1] < indptr[i]) {
                throw invalid(what, "the CSR field indptr decreases at row " + i);
            }
        }
        for (int c : indices) {
            if (c < 0 || c >= cols) {
                throw invalid(what, "the CSR field indices holds column " + c + ", outside [0, " + cols + ")");
            }
        }
        return new Csr(rows, cols, indptr, indices, data);
    }

    private static NdArray csrField(Map<?, ?> state, String field, String what) {
        return ndarray(state.get(key(state, field)), what + " CSR field " + field);
    }

    /** A size read from a pickle (a shape entry): an int from 0 to a little below Integer.MAX_VALUE. */
    private static int size(Object o, String what, String field) {
        if (!(o instanceof Long n) || n < 0 || n > Integer.MAX_VALUE - 8) {
            throw invalid(what, "the " + field + " is " + Pickle.describe(o) + ", not a size (a whole number from 0 to "
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        return (int) (long) n;
    }

    private static DataException invalid(String what, String problem) {
        return new DataException(what + ": " + problem + ". " + Pickle.REPLACE);
    }

    /** Python 2 str keys arrive as byte[]; find the key whose text is {@code name}. */
    private static Object key(Map<?, ?> m, String name) {
        for (Object k : m.keySet()) {
            if (k instanceof byte[] bs && new String(bs, StandardCharsets.ISO_8859_1).equals(name)
                    || name.equals(k)) {
                return k;
            }
        }
        return null;
    }
}
