package org.nnzoo.data;

import java.nio.charset.StandardCharsets;
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
 * {@link PickledArrays} interprets as numpy arrays and scipy CSR matrices.
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

    /** The largest pickle file read (the Planetoid files of Cora are at most 260 kB). */
    static final int MAX_FILE_BYTES = 64 << 20;
    /** The most values one pickle may build (Cora's graph, the largest, builds about 16,000). */
    static final int MAX_VALUES = 1 << 22;
    /** The most values an error message quotes. */
    private static final int DESCRIBE_BUDGET = 12;
    /** The deepest nesting an error message shows. */
    private static final int DESCRIBE_DEPTH = 3;
    /** How to repair a file this reader refuses, for its error messages. */
    static final String REPLACE = "The file is corrupt or not a Planetoid data file; replace it with a good"
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
        return load(file.toString(), BoundedRead.dataFile(file, MAX_FILE_BYTES, "the pickle file "));
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

    /** A Python tuple: an immutable list that may hold nulls (None). */
    private static List<Object> tuple(Object... items) {
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(items));
    }

    private DataException bad(int at, String msg) {
        return new DataException("Cannot read the pickle " + what + " at byte " + at + ": " + msg + ". " + REPLACE);
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
