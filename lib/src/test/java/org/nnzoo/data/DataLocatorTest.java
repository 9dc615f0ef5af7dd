package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged files in the data home get the same advice as any file with a wrong checksum. */
class DataLocatorTest {

    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        DataHome.clearOverride();
    }

    /** Puts {@code bytes} in the data home as the slice's test-images file and returns the locator's error. */
    private DataException locate(byte[] bytes) throws IOException {
        DataHome.setOverride(tmp);
        Path file = Files.createDirectories(tmp.resolve("demo")).resolve(Slice.TEST_IMAGES.fileName());
        Files.write(file, bytes);
        DataException e = assertThrows(DataException.class,
                () -> Slice.offlineLocator().locate("demo", List.of(Slice.TEST_IMAGES), List.of()));
        assertTrue(e.getMessage().contains("The demo file " + file), e.getMessage());
        assertTrue(e.getMessage().contains("Delete it (it will be downloaded again when online)"), e.getMessage());
        return e;
    }

    private static byte[] good() throws IOException {
        return Files.readAllBytes(Slice.file(Slice.TEST_IMAGES.fileName()));
    }

    @Test
    void truncatedGzipGetsTheDeleteAdvice() throws IOException {
        byte[] good = good();
        DataException e = locate(Arrays.copyOf(good, good.length / 2));
        assertTrue(e.getMessage().contains("damaged gzip file (EOFException: Unexpected end of ZLIB input stream)"),
                e.getMessage());
    }

    @Test
    void corruptGzipTrailerGetsTheDeleteAdvice() throws IOException {
        byte[] bad = good();
        bad[bad.length - 6] ^= 0x01; // in the CRC-32 of the trailer
        DataException e = locate(bad);
        assertTrue(e.getMessage().contains("damaged gzip file (ZipException: Corrupt GZIP trailer)"), e.getMessage());
    }

    @Test
    void corruptDeflateDataGetsTheDeleteAdvice() throws IOException {
        byte[] bad = good();
        for (int i = 100; i < 200; i++) {
            bad[i] = (byte) 0xff;
        }
        DataException e = locate(bad);
        assertTrue(e.getMessage().contains("damaged gzip file (ZipException: "), e.getMessage());
    }
}
