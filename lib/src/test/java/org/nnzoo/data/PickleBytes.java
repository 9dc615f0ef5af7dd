package org.nnzoo.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * Writes protocol-2 pickles with the opcodes {@link Pickle} reads, as Python 2 writes numpy arrays and
 * scipy CSR matrices; for tests that need damaged or hostile variants of the Planetoid files.
 */
final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes() {
        op(0x80, 2); // PROTO 2
    }

    /** Appends raw opcode bytes. */
    PickleBytes op(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBytes global(String module, String name) {
        op('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** A value: Long/Integer (BININT), String (a Python 2 str), byte[], Object[] (a tuple), Boolean, null. */
    PickleBytes value(Object v) {
        if (v == null) {
            return op('N');
        }
        if (v instanceof Boolean b) {
            return op(b ? 0x88 : 0x89);
        }
        if (v instanceof Number n) {
            return op('J').le(n.intValue());
        }
        if (v instanceof String s) {
            return value(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        if (v instanceof byte[] b) {
            op('T').le(b.length);
            out.writeBytes(b);
            return this;
        }
        Object[] tuple = (Object[]) v;
        op('(');
        for (Object o : tuple) {
            value(o);
        }
        return op('t');
    }

    /** A numpy array ({@code _reconstruct} + BUILD) of the given shape, dtype ({@code i4}, {@code f4}) and bytes. */
    PickleBytes ndarray(Object[] shape, String dtype, byte[] raw) {
        global("numpy.core.multiarray", "_reconstruct");
        op('(').global("numpy", "ndarray").value(new Object[] {0}).value("b").op('t', 'R');
        op('(').value(1).value(shape);
        global("numpy", "dtype").value(new Object[] {dtype, 0, 1}).op('R').value(new Object[] {3, "<"}).op('b');
        return value(false).value(raw).op('t', 'b');
    }

    PickleBytes ints(Object[] shape, int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(values);
        return ndarray(shape, "i4", b.array());
    }

    /** A {@code scipy.sparse.csr_matrix} with the given {@code _shape} entries (normally two ints) and no values. */
    PickleBytes emptyCsr(Object[] shape, int[] indptr) {
        global("scipy.sparse.csr", "csr_matrix").op(')', 0x81); // NEWOBJ
        op('}', '(');
        value("_shape").value(shape);
        value("indptr").ints(new Object[] {indptr.length}, indptr);
        value("indices").ints(new Object[] {0});
        value("data").ndarray(new Object[] {0}, "f4", new byte[0]);
        return op('u', 'b'); // SETITEMS, BUILD
    }

    /** @return the pickle, ended with STOP */
    byte[] stop() {
        op('.');
        return out.toByteArray();
    }

    private PickleBytes le(int v) {
        return op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
    }

    /** An empty CSR matrix of {@code rows x cols} (all of {@code indptr} zero). */
    static byte[] emptyCsr(int rows, int cols) {
        return new PickleBytes().emptyCsr(new Object[] {rows, cols}, new int[rows + 1]).stop();
    }

    /** One-hot labels: row i has class {@code i % classes}. */
    static byte[] oneHot(int rows, int classes) {
        int[] v = new int[rows * classes];
        for (int i = 0; i < rows; i++) {
            v[i * classes + i % classes] = 1;
        }
        return new PickleBytes().ints(new Object[] {rows, classes}, v).stop();
    }

    /**
     * Writes the eight Planetoid files of a Cora-sized graph without edges or feature values: 140 labelled
     * nodes (x, y), 1708 in allx/ally, 1000 test nodes (tx, ty, test.index 1708..2707), each CSR matrix
     * declaring {@code features} columns.
     */
    static void writePlanetoid(Path dir, int features) throws IOException {
        Files.write(dir.resolve("ind.cora.x"), emptyCsr(140, features));
        Files.write(dir.resolve("ind.cora.y"), oneHot(140, 7));
        Files.write(dir.resolve("ind.cora.tx"), emptyCsr(1000, features));
        Files.write(dir.resolve("ind.cora.ty"), oneHot(1000, 7));
        Files.write(dir.resolve("ind.cora.allx"), emptyCsr(1708, features));
        Files.write(dir.resolve("ind.cora.ally"), oneHot(1708, 7));
        Files.write(dir.resolve("ind.cora.graph"), emptyGraph());
        Files.write(dir.resolve("ind.cora.test.index"),
                IntStream.range(1708, 2708).mapToObj(Integer::toString).toList());
    }

    /** An empty {@code defaultdict(list)}: a graph without edges. */
    static byte[] emptyGraph() {
        return new PickleBytes().global("collections", "defaultdict").global("__builtin__", "list")
                .op(0x85, 'R').stop();
    }
}
