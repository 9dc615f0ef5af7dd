package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
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
        Path zip = tmp.resolve("abc.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String f : new String[] {"rural.txt", "science.txt"}) {
                z.putNextEntry(new ZipEntry("abc/" + f));
                z.write(Files.readAllBytes(excerpt().resolve(f)));
                z.closeEntry();
            }
        }
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
