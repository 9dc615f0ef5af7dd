package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** The Cora readers on the committed slice ({@code cora-slice/}), and their errors on damaged input. */
class CoraTest {

    @TempDir
    Path tmp;

    static Path slice(String name) {
        try {
            return Path.of(CoraTest.class.getResource("/cora-slice/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsLinqsSlice() throws IOException {
        Path content = slice("cora.content");
        Path cites = slice("cora.cites");
        Cora c = Cora.readLinqs(content, cites);
        List<String> lines = Files.readAllLines(content);
        assertEquals(lines.size(), c.nodes());
        assertEquals(1433, c.featureCount());
        // undirected edges, counted independently from the text
        Set<String> pairs = new HashSet<>();
        for (String l : Files.readAllLines(cites)) {
            String[] p = l.split("\t");
            pairs.add(p[0].compareTo(p[1]) < 0 ? p[0] + " " + p[1] : p[1] + " " + p[0]);
        }
        assertEquals(pairs.size(), c.edgeCount());
        int[] labels = c.labels();
        float[] x = c.features();
        for (int i = 0; i < c.nodes(); i++) {
            String[] f = lines.get(i).split("\t");
            assertEquals(Cora.CLASS_NAMES.indexOf(f[f.length - 1]), labels[i], "class of line " + (i + 1));
            int ones = 0;
            for (int j = 1; j < f.length - 1; j++) {
                ones += f[j].equals("1") ? 1 : 0;
            }
            double sum = 0;
            for (int j = 0; j < 1433; j++) {
                float v = x[i * 1433 + j];
                assertTrue(v == 0f || Math.abs(v - 1.0 / ones) < 1e-6, "row-normalised value " + v);
                sum += v;
            }
            assertEquals(1.0, sum, 1e-5, "row " + i + " sums to 1");
        }
    }

    @Test
    void featureRowsAndClassCountsOfNodes() throws IOException {
        Cora c = Cora.readLinqs(slice("cora.content"), slice("cora.cites"));
        float[][] rows = c.featureRows();
        assertEquals(c.nodes(), rows.length);
        for (int i = 0; i < c.nodes(); i++) {
            assertArrayEquals(java.util.Arrays.copyOfRange(c.features(), i * 1433, (i + 1) * 1433), rows[i]);
        }
        int[] all = java.util.stream.IntStream.range(0, c.nodes()).toArray();
        assertArrayEquals(c.classCounts(), c.classCounts(all));
        int[] first = c.classCounts(new int[] {0});
        assertEquals(1, first[c.labels()[0]]);
        assertEquals(1, java.util.Arrays.stream(first).sum());
    }

    @Test
    void danglingEdgeIsNamed() throws IOException {
        Path cites = tmp.resolve("cora.cites");
        Files.writeString(cites, "35\t1033\n35\t999999999\n");
        DataException e = assertThrows(DataException.class, () -> Cora.readLinqs(slice("cora.content"), cites));
        assertTrue(e.getMessage().contains("dangling") && e.getMessage().contains("999999999")
                && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void featureRowMismatchIsNamed() throws IOException {
        List<String> lines = Files.readAllLines(slice("cora.content"));
        String second = lines.get(1);
        int cut = second.indexOf('\t');
        lines.set(1, second.substring(0, cut) + second.substring(cut + 2)); // drop one feature
        Path content = tmp.resolve("cora.content");
        Files.write(content, lines);
        DataException e = assertThrows(DataException.class, () -> Cora.readLinqs(content, slice("cora.cites")));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("1434 fields")
                && e.getMessage().contains(content.toString()), e.getMessage());
    }

    @Test
    void unknownClassIsNamed() throws IOException {
        List<String> lines = Files.readAllLines(slice("cora.content"));
        lines.set(0, lines.get(0).replace("Genetic_Algorithms", "Astrology"));
        Path content = tmp.resolve("cora.content");
        Files.write(content, lines);
        DataException e = assertThrows(DataException.class, () -> Cora.readLinqs(content, slice("cora.cites")));
        assertTrue(e.getMessage().contains("Astrology"), e.getMessage());
    }

    @Test
    void readsPlanetoidPickles() {
        PickledArrays.Csr x = PickledArrays.csr(Pickle.load(slice("ind.cora.x")), "x");
        assertEquals(140, x.rows());
        assertEquals(1433, x.cols());
        assertEquals(2647, x.data().length);
        for (float v : x.data()) {
            assertEquals(1f, v);
        }
        PickledArrays.NdArray y = PickledArrays.ndarray(Pickle.load(slice("ind.cora.y")), "y");
        assertArrayEquals(new long[] {140, 7}, y.shape());
        int[] v = y.ints("y");
        int[] perClass = new int[7];
        for (int i = 0; i < 140; i++) {
            for (int k = 0; k < 7; k++) {
                perClass[k] += v[i * 7 + k];
            }
        }
        assertArrayEquals(new int[] {20, 20, 20, 20, 20, 20, 20}, perClass);
    }

    @Test
    void truncatedPickleIsNamed() throws IOException {
        byte[] all = Files.readAllBytes(slice("ind.cora.x"));
        Path cut = tmp.resolve("ind.cora.x");
        Files.write(cut, java.util.Arrays.copyOf(all, all.length / 2));
        DataException e = assertThrows(DataException.class, () -> Pickle.load(cut));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains(cut.toString()), e.getMessage());
    }

    @Test
    void missingPlanetoidFileIsNamed() throws IOException {
        Files.copy(slice("ind.cora.x"), tmp.resolve("ind.cora.x"));
        DataException e = assertThrows(DataException.class, () -> Cora.readPlanetoid(tmp));
        assertTrue(e.getMessage().contains("ind.cora.y") && e.getMessage().contains("missing"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {500_000, 1_000_000})
    void hugeDeclaredFeatureCountIsRefusedBeforeAllocating(int features) throws IOException {
        // 2708 nodes x 500,000 features would be 5.4 GB of floats; x 1,000,000 overflows an int
        PickleBytes.writePlanetoid(tmp, features);
        DataException e = assertThrows(DataException.class, () -> Cora.readPlanetoid(tmp));
        assertTrue(e.getMessage().contains(tmp.resolve("ind.cora.allx").toString())
                && e.getMessage().contains("_shape declares " + features + " features")
                && e.getMessage().contains("2708 nodes"), e.getMessage());
        long allocated = Allocation.of(() -> Cora.readPlanetoid(tmp));
        assertTrue(allocated < 64 << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void latin1ByteInContentNamesFileAndLine() throws IOException {
        List<String> lines = Files.readAllLines(slice("cora.content"));
        lines.set(6, lines.get(6).replaceFirst("\t", "\u00e9\t")); // a Latin-1 e-acute after the paper id of line 7
        Path content = tmp.resolve("cora.content");
        Files.write(content, lines, StandardCharsets.ISO_8859_1);
        DataException e = assertThrows(DataException.class, () -> Cora.readLinqs(content, slice("cora.cites")));
        assertTrue(e.getMessage().contains(content + " line 7,") && e.getMessage().contains("e9")
                && e.getMessage().contains("not valid US-ASCII") && e.getMessage().contains("replace it"),
                e.getMessage());
    }

    @Test
    void sliceIsNotTheStandardGraph() {
        Cora c = Cora.readLinqs(slice("cora.content"), slice("cora.cites"));
        DataException e = assertThrows(DataException.class, c::requireStandard);
        assertTrue(e.getMessage().contains("nodes: 13, expected 2708"), e.getMessage());
    }
}
