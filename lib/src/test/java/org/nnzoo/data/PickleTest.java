package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pickle reader, through Cora's public Planetoid reader, on damaged and hostile files. */
class PickleTest {

    @TempDir
    Path tmp;

    /** Replaces one Planetoid file of a valid generated set, reads the set and returns the error. */
    private DataException readWith(String part, byte[] pickle) throws IOException {
        PickleBytes.writePlanetoid(tmp, 1433);
        Files.write(tmp.resolve("ind.cora." + part), pickle);
        return assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThrows(DataException.class, () -> Cora.readPlanetoid(tmp)));
    }

    private static void assertShortAndNames(DataException e, String... parts) {
        assertTrue(e.getMessage().length() < 1500, "message of " + e.getMessage().length() + " characters");
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "no '" + p + "' in: " + e.getMessage());
        }
    }

    @Test
    void generatedPlanetoidFilesAreValid() throws IOException {
        PickleBytes.writePlanetoid(tmp, 1433);
        Cora c = Cora.readPlanetoid(tmp);
        assertEquals(2708, c.nodes());
        assertEquals(1433, c.featureCount());
    }

    @Test
    void shapeOfStringsNamesFileAndField() throws IOException {
        byte[] pickle = new PickleBytes().emptyCsr(new Object[] {"1708", "1433"}, new int[1709]).stop();
        DataException e = readWith("allx", pickle);
        assertShortAndNames(e, tmp.resolve("ind.cora.allx").toString(), "_shape[0]", "'1708'", "not a size");
    }

    @Test
    void emptyIndptrNamesFileAndField() throws IOException {
        byte[] pickle = new PickleBytes().emptyCsr(new Object[] {140, 1433}, new int[0]).stop();
        DataException e = readWith("x", pickle);
        assertShortAndNames(e, tmp.resolve("ind.cora.x").toString(), "indptr has 0 entries", "140 rows");
    }

    @Test
    void selfReferentialPickleGivesAShortMessage() throws IOException {
        // 16 bytes: L = []; L.append(a.b(L)): a list that holds an object whose argument is the list
        byte[] pickle = {(byte) 0x80, 2, ']', 'q', 0, 'c', 'a', '\n', 'b', '\n', 'h', 0, (byte) 0x85, 'R', 'a', '.'};
        assertEquals(16, pickle.length);
        DataException e = readWith("x", pickle);
        assertShortAndNames(e, tmp.resolve("ind.cora.x").toString(), "not a pickled scipy CSR matrix", "[a.b([");
    }

    @Test
    void selfReferentialDictKeyIsRefused() throws IOException {
        // {L: None} where L = [L]: Python refuses a list as a key; hashing it here would recurse forever
        byte[] pickle = {(byte) 0x80, 2, '}', ']', 'q', 0, 'h', 0, 'a', 'N', 's', '.'};
        DataException e = readWith("graph", pickle);
        assertShortAndNames(e, tmp.resolve("ind.cora.graph").toString(), "unhashable dict key");
    }

    @Test
    void doublingSharedListsFailFast() throws IOException {
        // L0 = [], L(k) = [L(k-1), L(k-1)]: 2^41 elements when expanded, from about 400 bytes
        PickleBytes p = new PickleBytes().op(']', 'q', 0, '0'); // EMPTY_LIST, BINPUT 0, POP
        for (int k = 1; k <= 41; k++) {
            p.op(']', '(', 'h', k - 1, 'h', k - 1, 'e', 'q', k); // L(k) = [] + [L(k-1), L(k-1)]
            if (k < 41) {
                p.op('0');
            }
        }
        byte[] pickle = p.stop();
        assertTrue(pickle.length > 400 && pickle.length < 420, pickle.length + " bytes");
        long t0 = System.nanoTime();
        DataException e = readWith("x", pickle);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertShortAndNames(e, tmp.resolve("ind.cora.x").toString(), "not a pickled scipy CSR matrix", "...");
        assertTrue(ms < 5000, "took " + ms + " ms");
    }

    @Test
    void tooManyValuesAreRefused() throws IOException {
        // a tuple of MAX_VALUES + 1 Nones: one byte per value
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(new byte[] {(byte) 0x80, 2, '('});
        byte[] nones = new byte[Pickle.MAX_VALUES + 1];
        Arrays.fill(nones, (byte) 'N');
        b.write(nones);
        b.write(new byte[] {'t', '.'});
        DataException e = readWith("graph", b.toByteArray());
        assertShortAndNames(e, tmp.resolve("ind.cora.graph").toString(), "more than " + Pickle.MAX_VALUES + " values");
    }

    @Test
    void oversizedFileIsRefusedUnread() throws IOException {
        Path big = tmp.resolve("big.pickle");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[Pickle.MAX_FILE_BYTES + 1]);
        }
        DataException e = assertThrows(DataException.class, () -> Pickle.load(big));
        assertShortAndNames(e, big.toString(), "more than 64 MiB");
    }
}
