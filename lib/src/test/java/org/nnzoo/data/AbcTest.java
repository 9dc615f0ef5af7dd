package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The abc reader on a real excerpt (counts from NLTK 3.8, see the fixture's ATTRIBUTION.md). */
class AbcTest {

    static Path excerpt() throws Exception {
        return Path.of(AbcTest.class.getResource("/abc-excerpt/rural.txt").toURI()).getParent();
    }

    @Test
    void excerptMatchesNltkCounts() throws Exception {
        Abc abc = Abc.fromFolder(excerpt());
        assertEquals(1246, abc.tokenCount(Abc.Part.RURAL));
        assertEquals(1839, abc.tokenCount(Abc.Part.SCIENCE));
        assertEquals(58, abc.sentences(Abc.Part.RURAL).size());
        assertEquals(65, abc.sentences(Abc.Part.SCIENCE).size());
        Map<String, Integer> counts = Abc.counts(abc.lowerCasedSentences());
        assertEquals(1067, counts.size());
        assertEquals(368, counts.values().stream().filter(c -> c >= 2).count());
        assertEquals(99, counts.values().stream().filter(c -> c >= 5).count());
    }

    @Test
    void latin1ScienceAndCrlfAreDecoded() throws Exception {
        Abc abc = Abc.fromFolder(excerpt());
        String[] first = abc.sentences(Abc.Part.SCIENCE).get(0);
        assertArrayEquals(new String[] {"Cystic", "fibrosis", "affects", "30", ",", "000", "children"},
                Arrays.copyOf(first, 7));
        assertTrue(Arrays.stream(first).noneMatch(t -> t.contains("\r")), "CR must not survive");
        List<String> all = abc.sentences(Abc.Part.SCIENCE).stream().flatMap(Arrays::stream).toList();
        assertTrue(all.contains("Niña"), "Latin-1 ñ decoded");
        assertTrue(all.contains("°"), "degree sign is a punctuation token");
    }

    @Test
    void tokenizerIsWordPunct() {
        assertArrayEquals(new String[] {"The", "Opposition", "'", "s", "$", "290", "million", ".\""},
                Abc.tokenize("The Opposition's $290 million.\""));
        assertArrayEquals(new String[] {"itÂ", "\"."}, Abc.tokenize("it\u00c2\u0085\"."));  // U+0085 (NEL) is space
        assertArrayEquals(new String[] {"x²", "_a1"}, Abc.tokenize("x² _a1"));  // Python's \w: ² is a number
        assertArrayEquals(new String[0], Abc.tokenize(" \r\t\u00a0"));
    }

    @Test
    void zipAndFolderGiveTheSameCorpus(@TempDir Path tmp) throws Exception {
        Path zip = zip(tmp.resolve("abc.zip"), Files.readAllBytes(excerpt().resolve("rural.txt")),
                Files.readAllBytes(excerpt().resolve("science.txt")));
        Abc fromZip = Abc.fromZip(zip);
        Abc fromDir = Abc.fromFolder(excerpt());
        assertEquals(fromDir.tokenCount(), fromZip.tokenCount());
        for (int i = 0; i < fromDir.sentences().size(); i++) {
            assertArrayEquals(fromDir.sentences().get(i), fromZip.sentences().get(i));
        }
    }

    @Test
    void badInputNamesTheFileAndTheFix(@TempDir Path tmp) throws Exception {
        DataException e = assertThrows(DataException.class, () -> Abc.fromFolder(tmp));
        assertTrue(e.getMessage().contains("rural.txt") && e.getMessage().contains(tmp.toString()), e.getMessage());
        Path notZip = tmp.resolve("abc.zip");
        Files.writeString(notZip, "not a zip");
        e = assertThrows(DataException.class, () -> Abc.fromZip(notZip));
        assertTrue(e.getMessage().contains(notZip.toString()) && e.getMessage().contains("NLTK"), e.getMessage());
        Path otherZip = tmp.resolve("other.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(otherZip))) {
            z.putNextEntry(new ZipEntry("abc/README"));
            z.write(1);
            z.closeEntry();
        }
        e = assertThrows(DataException.class, () -> Abc.fromZip(otherZip));
        assertTrue(e.getMessage().contains("abc/rural.txt"), e.getMessage());
    }

    /** Writes a zip in the layout of NLTK's abc.zip. */
    private static Path zip(Path file, byte[] rural, byte[] science) throws Exception {
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(file))) {
            z.putNextEntry(new ZipEntry("abc/rural.txt"));
            z.write(rural);
            z.closeEntry();
            z.putNextEntry(new ZipEntry("abc/science.txt"));
            z.write(science);
            z.closeEntry();
        }
        return file;
    }

    @Test
    void zipBombMemberIsRefusedAtTheCap(@TempDir Path tmp) throws Exception {
        // 1.2 GB of zeros as abc/rural.txt, in a zip of about 5 MB
        Path bomb = tmp.resolve("abc.zip");
        try (ZipOutputStream z = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(bomb)))) {
            z.setLevel(Deflater.BEST_SPEED);
            z.putNextEntry(new ZipEntry("abc/rural.txt"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 1200; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertTrue(Files.size(bomb) < 8 << 20, Files.size(bomb) + " bytes");
        DataException e = assertThrows(DataException.class, () -> Abc.fromZip(bomb));
        assertTrue(e.getMessage().contains(bomb + " member abc/rural.txt holds more than 64 MiB")
                && e.getMessage().contains("Delete it"), e.getMessage());
        long allocated = Allocation.of(() -> Abc.fromZip(bomb));
        assertTrue(allocated < 256L << 20, "allocated " + allocated + " bytes");
    }

    @Test
    void swappedEncodingsAreReportedWithFileAndLine(@TempDir Path tmp) throws Exception {
        String rural = Files.readString(excerpt().resolve("rural.txt"), StandardCharsets.UTF_8);
        String science = Files.readString(excerpt().resolve("science.txt"), StandardCharsets.ISO_8859_1);
        byte[] scienceUtf8 = science.getBytes(StandardCharsets.UTF_8); // first non-ASCII byte on line 64

        // Both swapped. The excerpt's rural.txt survives by chance (its only non-ASCII text, "Â\u0085", is
        // C2 85 in Latin-1: valid UTF-8), so science.txt is the one reported.
        Path swapped = zip(tmp.resolve("swapped.zip"), rural.getBytes(StandardCharsets.ISO_8859_1), scienceUtf8);
        DataException e = assertThrows(DataException.class, () -> Abc.fromZip(swapped));
        assertTrue(e.getMessage().contains(swapped + " member abc/science.txt is UTF-8 (see line 64)")
                && e.getMessage().contains("Latin-1"), e.getMessage());

        // rural.txt in Latin-1 with a letter that is not valid UTF-8 there: "caf\u00e9" on line 3
        String[] lines = rural.split("\n", -1);
        lines[2] = lines[2] + " caf\u00e9";
        byte[] ruralLatin1 = String.join("\n", lines).getBytes(StandardCharsets.ISO_8859_1);
        Path badRural = zip(tmp.resolve("rural-latin1.zip"), ruralLatin1, science.getBytes(StandardCharsets.ISO_8859_1));
        e = assertThrows(DataException.class, () -> Abc.fromZip(badRural));
        assertTrue(e.getMessage().contains(badRural + " member abc/rural.txt line 3,")
                && e.getMessage().contains("e9") && e.getMessage().contains("not valid UTF-8"), e.getMessage());

        Path folder = Files.createDirectories(tmp.resolve("abc"));
        Files.write(folder.resolve("rural.txt"), ruralLatin1);
        Files.write(folder.resolve("science.txt"), scienceUtf8);
        e = assertThrows(DataException.class, () -> Abc.fromFolder(folder));
        assertTrue(e.getMessage().contains(folder.resolve("rural.txt") + " line 3,"), e.getMessage());
    }

    @Test
    @RealData
    void swappedFullCorpusIsReported(@TempDir Path tmp) throws Exception {
        DataHome.clearOverride();
        String rural;
        String science;
        try (ZipFile z = new ZipFile(DataHome.dir().resolve("abc").resolve("abc.zip").toFile())) {
            rural = new String(z.getInputStream(z.getEntry("abc/rural.txt")).readAllBytes(), StandardCharsets.UTF_8);
            science = new String(z.getInputStream(z.getEntry("abc/science.txt")).readAllBytes(),
                    StandardCharsets.ISO_8859_1);
        }
        Path swapped = zip(tmp.resolve("abc.zip"), rural.getBytes(StandardCharsets.ISO_8859_1),
                science.getBytes(StandardCharsets.UTF_8));
        DataException e = assertThrows(DataException.class, () -> Abc.fromZip(swapped));
        assertTrue(e.getMessage().contains(swapped + " member abc/rural.txt line ")
                && e.getMessage().contains("not valid UTF-8"), e.getMessage());
    }

    @Test
    @RealData
    void fullCorpusHasNltksCounts() {
        DataHome.clearOverride();
        Abc abc = Abc.load(Slice.offlineLocator());
        assertEquals(345_580, abc.tokenCount(Abc.Part.RURAL));
        assertEquals(421_231, abc.tokenCount(Abc.Part.SCIENCE));
        assertEquals(766_811, abc.tokenCount());
        Map<String, Integer> counts = Abc.counts(abc.lowerCasedSentences());
        assertEquals(27_753, counts.size());
        assertEquals(9_652, counts.values().stream().filter(c -> c >= 5).count());
    }
}
