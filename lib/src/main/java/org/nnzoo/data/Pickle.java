package org.nnzoo.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal reader for the Python 2 pickles (protocol 2) of the Planetoid data files: numpy arrays,
 * scipy CSR matrices and a {@code defaultdict(list)}. It builds plain Java values and never runs code:
 * {@code GLOBAL}/{@code REDUCE}/{@code NEWOBJ}/{@code BUILD} become inert {@link PyObject}s that
 * {@link #ndarray} and {@link #csr} interpret.
 *
 * <p>Values: ints are {@link Long}, byte strings {@code byte[]}, tuples and lists {@link List}, dicts
 * {@link Map}, {@code None} null, booleans {@link Boolean}. The opcodes handled are those listed in
 * {@code shared/datasets/cora/PROVENANCE.md} plus a few common neighbours; anything else is an error
 * naming the file, the byte offset and the opcode.
 *
 * <p>It is safe on hostile input: files over {@link #MAX_FILE_BYTES} and pickles that build more than
 * {@link #MAX_VALUES} values are refused, dict keys must be plain values (as in Python, where lists and
 * dicts are unhashable), and error messages quote values with {@link #describe}, which stays short
 * even for values that contain themselves or share sub-lists exponentially.
 */
final class Pickle {

    /** A global reference ({@code module.name}) as written by the GLOBAL opcode. */
    record Global(String module, String name) {
        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An object built by REDUCE or NEWOBJ: its class/function, arguments, BUILD state and dict items. */
    static final class PyObject {
        final Global global;
        final List<Object> args;
        Object state;
        final Map<Object, Object> items = new LinkedHashMap<>();

        PyObject(Global global, List<Object> args) {
            this.global = global;
            this.args = args;
        }

        @Override
        public String toString() {
            return describe(this);
        }
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

    /** The largest pickle file read (the Planetoid files of Cora are at most 260 kB). */
    static final int MAX_FILE_BYTES = 64 << 20;
    /** The most values one pickle may build (Cora's graph, the largest, builds about 16,000). */
    static final int MAX_VALUES = 1 << 22;
    /** The most values an error message quotes. */
    private static final int DESCRIBE_BUDGET = 12;
    /** The deepest nesting an error message shows. */
    private static final int DESCRIBE_DEPTH = 3;
    private static final String REPLACE = "The file is corrupt or not a Planetoid data file; replace it with a good"
            + " copy (check its SHA-256).";

    private static final Object MARK = new Object();

    private final String what;
    private final byte[] b;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();
    private int values;

    private Pickle(String what, byte[] bytes) {
        this.what = what;
        this.b = bytes;
    }

    /**
     * @param file a pickle file
     * @return the unpickled value
     * @throws DataException if the file cannot be read, is truncated or uses an unsupported opcode
     */
    static Object load(Path file) {
        byte[] bytes;
        try {
            bytes = BoundedRead.file(file, MAX_FILE_BYTES);
        } catch (IOException e) {
            throw new DataException("Cannot read the pickle file " + file + ": " + e, e);
        }
        return load(file.toString(), bytes);
    }

    /** @param what names the data in error messages (a file name) */
    static Object load(String what, byte[] bytes) {
        return new Pickle(what, bytes).run();
    }

    private Object run() {
        while (true) {
            int at = pos;
            int op = u8();
            switch (op) {
                case 0x80 -> u8(); // PROTO n
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw bad(at, "STOP with " + stack.size() + " values on the stack (expected 1)");
                    }
                    return stack.get(0);
                }
                case 'c' -> push(new Global(line(), line()));
                case 'q' -> memo.put(u8(), top(at)); // BINPUT
                case 'r' -> memo.put(i32(), top(at)); // LONG_BINPUT
                case 'h' -> push(memoGet(u8(), at)); // BINGET
                case 'j' -> push(memoGet(i32(), at)); // LONG_BINGET
                case '(' -> push(MARK);
                case ')' -> push(tuple());
                case 't' -> push(tuple(popMark(at).toArray()));
                case 0x85 -> push(tuple(pop(at)));
                case 0x86 -> {
                    Object y = pop(at);
                    push(tuple(pop(at), y));
                }
                case 0x87 -> {
                    Object z = pop(at);
                    Object y = pop(at);
                    push(tuple(pop(at), y, z));
                }
                case '}' -> push(new LinkedHashMap<Object, Object>());
                case ']' -> push(new ArrayList<Object>());
                case 'a' -> { // APPEND
                    Object v = pop(at);
                    asList(top(at), at).add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> vs = popMark(at);
                    asList(top(at), at).addAll(vs);
                }
                case 's' -> { // SETITEM
                    Object v = pop(at);
                    Object k = dictKey(pop(at), at);
                    asMap(top(at), at).put(k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark(at);
                    Map<Object, Object> m = asMap(top(at), at);
                    for (int i = 0; i + 1 < kv.size(); i += 2) {
                        m.put(dictKey(kv.get(i), at), kv.get(i + 1));
                    }
                }
                case 0x81, 'R' -> { // NEWOBJ cls args / REDUCE callable args
                    Object args = pop(at);
                    Object callable = pop(at);
                    if (!(callable instanceof Global g) || !(args instanceof List<?> l)) {
                        throw bad(at, "REDUCE/NEWOBJ needs a global and a tuple, got " + describe(callable) + ", "
                                + describe(args));
                    }
                    push(new PyObject(g, new ArrayList<>(l)));
                }
                case 'b' -> { // BUILD
                    Object state = pop(at);
                    Object target = top(at);
                    if (!(target instanceof PyObject o)) {
                        throw bad(at, "BUILD on " + describe(target));
                    }
                    o.state = state;
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u8() | (u8() << 8)));
                case 0x8a -> { // LONG1
                    int n = u8();
                    byte[] raw = bytes(n);
                    long v = 0;
                    for (int i = n - 1; i >= 0; i--) {
                        v = (v << 8) | (raw[i] & 0xff);
                    }
                    if (n > 0 && n < 8 && (raw[n - 1] & 0x80) != 0) {
                        v -= 1L << (8 * n);
                    }
                    push(v);
                }
                case 'U' -> push(bytes(u8())); // SHORT_BINSTRING
                case 'T' -> push(bytes(i32())); // BINSTRING
                case 'X' -> push(new String(bytes(i32()), StandardCharsets.UTF_8)); // BINUNICODE
                case '0' -> pop(at); // POP
                default -> throw bad(at, String.format("unsupported pickle opcode 0x%02x ('%c')", op,
                        op >= 32 && op < 127 ? (char) op : '?'));
            }
        }
    }

    /** Converts an unpickled numpy array ({@code numpy.core.multiarray._reconstruct} + BUILD). */
    static NdArray ndarray(Object o, String what) {
        if (!(o instanceof PyObject p) || !p.global.name().equals("_reconstruct")
                || !(p.state instanceof List<?> st) || st.size() != 5) {
            throw invalid(what, "not a pickled numpy array (got " + describe(o) + ")");
        }
        if (!(st.get(1) instanceof List<?> shapeList)) {
            throw invalid(what, "the numpy array's shape is " + describe(st.get(1)) + ", not a tuple");
        }
        long[] shape = new long[shapeList.size()];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = size(shapeList.get(i), what, "shape[" + i + "]");
            count *= shape[i];
            if (count > Integer.MAX_VALUE) {
                throw invalid(what, "the numpy array's shape " + describe(shapeList) + " has more elements than"
                        + " one Java array holds");
            }
        }
        if (!(st.get(2) instanceof PyObject dt) || dt.args.isEmpty() || !(dt.args.get(0) instanceof byte[] descr)) {
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
            throw invalid(what, "numpy array of shape " + java.util.Arrays.toString(shape) + " and type " + dtype
                    + " needs " + count * itemSize + " bytes but has " + raw.length);
        }
        return new NdArray(shape, dtype, ByteBuffer.wrap(raw));
    }

    /** Converts an unpickled {@code scipy.sparse.csr_matrix}, checking every field before using it. */
    static Csr csr(Object o, String what) {
        if (!(o instanceof PyObject p) || !p.global.name().equals("csr_matrix") || !(p.state instanceof Map<?, ?> st)) {
            throw invalid(what, "not a pickled scipy CSR matrix (got " + describe(o) + ")");
        }
        Object shapeObj = st.get(key(st, "_shape"));
        if (!(shapeObj instanceof List<?> shape) || shape.size() != 2) {
            throw invalid(what, "the CSR field _shape is " + describe(shapeObj) + ", not a (rows, columns) pair");
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
            throw invalid(what, "the " + field + " is " + describe(o) + ", not a size (a whole number from 0 to "
                    + (Integer.MAX_VALUE - 8) + ")");
        }
        return (int) (long) n;
    }

    private static DataException invalid(String what, String problem) {
        return new DataException(what + ": " + problem + ". " + REPLACE);
    }

    /**
     * A short text for a value in an error message. Unlike {@code toString()}, it ends on any value, even one
     * that contains itself, and stays short even for exponentially shared lists: it shows at most
     * {@value #DESCRIBE_BUDGET} values, nested at most {@value #DESCRIBE_DEPTH} deep.
     */
    static String describe(Object o) {
        StringBuilder sb = new StringBuilder();
        describe(o, sb, 0, new int[] {DESCRIBE_BUDGET});
        return sb.toString();
    }

    private static void describe(Object o, StringBuilder sb, int depth, int[] budget) {
        budget[0]--;
        if (o instanceof PyObject p) {
            sb.append(p.global);
            describeAll(p.args, "(", ")", sb, depth, budget);
        } else if (o instanceof List<?> l) {
            describeAll(l, "[", "]", sb, depth, budget);
        } else if (o instanceof Map<?, ?> m) {
            describeAll(m.entrySet(), "{", "}", sb, depth, budget);
        } else if (o instanceof Map.Entry<?, ?> e) {
            describe(e.getKey(), sb, depth, budget);
            sb.append(": ");
            describe(e.getValue(), sb, depth, budget);
        } else if (o instanceof byte[] bs) {
            sb.append(bs.length <= 20 ? "b'" + new String(bs, StandardCharsets.ISO_8859_1) + "'"
                    : "<" + bs.length + " bytes>");
        } else if (o instanceof String str) {
            sb.append('\'').append(str.length() <= 40 ? str : str.substring(0, 40) + "...").append('\'');
        } else {
            sb.append(o); // null, Long, Boolean, Global: short by construction
        }
    }

    private static void describeAll(Collection<?> items, String open, String close, StringBuilder sb, int depth,
                                    int[] budget) {
        sb.append(open);
        if (depth >= DESCRIBE_DEPTH && !items.isEmpty()) {
            sb.append("...").append(close);
            return;
        }
        int i = 0;
        for (Object item : items) {
            sb.append(i++ == 0 ? "" : ", ");
            if (budget[0] <= 0) {
                sb.append("... (").append(items.size()).append(" items)");
                break;
            }
            describe(item, sb, depth + 1, budget);
        }
        sb.append(close);
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

    /** A Python tuple: an immutable list that may hold nulls (None). */
    private static List<Object> tuple(Object... items) {
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(items));
    }

    private DataException bad(int at, String msg) {
        return new DataException("Cannot read the pickle " + what + " at byte " + at + ": " + msg
                + ". The file is corrupt or not a Planetoid data file; replace it with a good copy (check its SHA-256).");
    }

    private int u8() {
        if (pos >= b.length) {
            throw truncated();
        }
        return b[pos++] & 0xff;
    }

    private int i32() {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private byte[] bytes(int n) {
        if (n < 0 || pos + (long) n > b.length) {
            throw truncated();
        }
        byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
        return out;
    }

    private String line() {
        int start = pos;
        while (pos < b.length && b[pos] != '\n') {
            pos++;
        }
        if (pos >= b.length) {
            throw truncated();
        }
        String s = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
    }

    private DataException truncated() {
        return new DataException("The pickle " + what + " ends early (after " + b.length
                + " bytes, before its STOP opcode): the file is truncated. Delete it and download it again,"
                + " or replace it with a good copy (check its SHA-256).");
    }

    private void push(Object o) {
        if (++values > MAX_VALUES) {
            throw bad(pos, "it builds more than " + MAX_VALUES + " values");
        }
        stack.add(o);
    }

    private Object pop(int at) {
        if (stack.isEmpty()) {
            throw bad(at, "stack underflow");
        }
        Object o = stack.remove(stack.size() - 1);
        if (o == MARK) {
            throw bad(at, "unexpected MARK");
        }
        return o;
    }

    private Object top(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw bad(at, "stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark(int at) {
        int k = stack.lastIndexOf(MARK);
        if (k < 0) {
            throw bad(at, "no MARK on the stack");
        }
        List<Object> items = new ArrayList<>(stack.subList(k + 1, stack.size()));
        stack.subList(k, stack.size()).clear();
        return items;
    }

    private Object memoGet(int i, int at) {
        if (!memo.containsKey(i)) {
            throw bad(at, "memo entry " + i + " was never stored");
        }
        return memo.get(i);
    }

    @SuppressWarnings("unchecked")
    private List<Object> asList(Object o, int at) {
        if (o instanceof ArrayList<?> l) { // only lists are mutable; tuples are immutable List.of
            return (List<Object>) l;
        }
        throw bad(at, "APPEND on " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> asMap(Object o, int at) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        if (o instanceof PyObject p) {
            return p.items; // defaultdict and other dict subclasses
        }
        throw bad(at, "SETITEMS on " + describe(o));
    }

    /** Python accepts only hashable dict keys; here, only plain values (no lists, dicts or objects). */
    private Object dictKey(Object k, int at) {
        if (k == null || k instanceof Long || k instanceof Boolean || k instanceof String || k instanceof byte[]) {
            return k;
        }
        throw bad(at, "unhashable dict key " + describe(k));
    }
}
