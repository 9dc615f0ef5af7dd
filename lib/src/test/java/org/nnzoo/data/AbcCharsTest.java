package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class AbcCharsTest {

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = AbcCharsTest.class.getResourceAsStream("/abc-slice/" + name)) {
            return in.readAllBytes();
        }
    }

    private static AbcChars slice() throws IOException {
        return AbcChars.fromTexts(AbcChars.decode(fixture("rural.txt"), StandardCharsets.UTF_8),
                AbcChars.decode(fixture("science.txt"), StandardCharsets.ISO_8859_1));
    }

    @Test
    void splitsByDocumentPositionWithoutCarriageReturns() throws IOException {
        AbcChars abc = slice();
        String rural = AbcChars.decode(fixture("rural.txt"), StandardCharsets.UTF_8);
        // 30 documents per file: round(27) = 27 train, round(28.5) = 29 -> 2 validation, 1 test; rural first
        String[] parts = rural.strip().split("\n\\s*\n");
        assertEquals(30, parts.length);
        assertTrue(abc.train().startsWith(parts[0].strip()));
        assertTrue(abc.train().contains(parts[26].strip()));
        assertTrue(abc.validation().startsWith(parts[27].strip()), "validation starts with rural document 28");
        assertTrue(abc.test().startsWith(parts[29].strip()), "test starts with rural document 30");
        assertFalse(abc.train().contains(parts[29].strip()), "the last document is not in training");
        assertFalse(abc.train().contains("\r") || abc.validation().contains("\r") || abc.test().contains("\r"));
        assertTrue(abc.validation().length() > 0 && abc.test().length() > 0);
    }

    @Test
    void vocabularyComesFromTrainingOnly() throws IOException {
        AbcChars abc = slice();
        int[] ids = abc.encode(abc.train());
        for (int id : ids) {
            assertTrue(id > AbcChars.UNKNOWN, "training characters are all known");
        }
        assertEquals(abc.train(), abc.decode(ids));
        assertEquals(AbcChars.UNKNOWN, abc.encode("\u00e9")[0], "a character absent from training is unknown");
        assertThrows(IllegalArgumentException.class, () -> abc.decode(new int[] {abc.vocabSize()}));
    }

    @Test
    void latin1AndCrlfAreDecoded() {
        byte[] bytes = {'c', 'a', 'f', (byte) 0xE9, '\r', '\n'};
        assertEquals("caf\u00e9\n", AbcChars.decode(bytes, StandardCharsets.ISO_8859_1));
    }

    @Test
    void tooFewDocumentsIsAClearError() {
        DataException e = assertThrows(DataException.class, () -> AbcChars.fromTexts("one\n\ntwo", "three"));
        assertTrue(e.getMessage().contains("rural") && e.getMessage().contains("20"), e.getMessage());
    }

    @Test
    @RealData
    void realCorpus() {
        DataHome.clearOverride();
        AbcChars abc = AbcChars.load();
        long total = abc.train().length() + abc.validation().length() + abc.test().length();
        assertTrue(total > 3_900_000 && total < 4_100_000, "characters: " + total);
        assertTrue(abc.train().length() > 0.85 * total, "train share");
        assertTrue(abc.vocabSize() > 80 && abc.vocabSize() < 110, "vocab " + abc.vocabSize());
        assertTrue(abc.train().contains("Cystic fibrosis"), "science text is included");
    }
}
