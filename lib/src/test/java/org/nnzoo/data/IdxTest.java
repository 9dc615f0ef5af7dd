package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path tmp;

    @Test
    void readsGzippedImagesAndLabels() {
        Idx images = Idx.read(Slice.file("t10k-images-idx3-ubyte.gz"));
        assertArrayEquals(new int[] {300, 28, 28}, images.dims());
        assertEquals(300 * 28 * 28, images.data().length);
        Idx labels = Idx.read(Slice.file("t10k-labels-idx1-ubyte.gz"));
        assertArrayEquals(new int[] {300}, labels.dims());
        byte[] first = Arrays.copyOf(labels.data(), 5);
        assertArrayEquals(new byte[] {7, 2, 1, 0, 4}, first);
        // first test image: 668 background pixels, ink sum 18454, max 255
        int sum = 0;
        int zeros = 0;
        for (int i = 0; i < 784; i++) {
            int v = images.data()[i] & 0xFF;
            sum += v;
            zeros += v == 0 ? 1 : 0;
        }
        assertEquals(18454, sum);
        assertEquals(668, zeros);
    }

    @Test
    void rawAndGzipGiveTheSameArrayAndNameDoesNotMatter() throws IOException {
        Path raw = tmp.resolve("looks-compressed.gz");
        Slice.gunzip("t10k-images-idx3-ubyte.gz", raw);
        Path gz = tmp.resolve("plain-name");
        Files.copy(Slice.file("t10k-images-idx3-ubyte.gz"), gz);
        assertEquals(Idx.read(gz), Idx.read(raw));
    }

    @Test
    void truncatedRawFileNamesFileAndSizes() throws IOException {
        byte[] full = gunzipped("t10k-labels-idx1-ubyte.gz");
        Path p = tmp.resolve("labels-truncated");
        Files.write(p, Arrays.copyOf(full, 108));
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("300"), e.getMessage());
        assertTrue(e.getMessage().contains("only 100"), e.getMessage());
    }

    @Test
    void truncatedGzipFileIsAClearError() throws IOException {
        byte[] gz = Files.readAllBytes(Slice.file("t10k-images-idx3-ubyte.gz"));
        Path p = tmp.resolve("images-truncated.gz");
        Files.write(p, Arrays.copyOf(gz, gz.length / 2));
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void gzipOfTruncatedPayloadReportsSizes() throws IOException {
        byte[] full = gunzipped("t10k-images-idx3-ubyte.gz");
        Path p = tmp.resolve("short.gz");
        Files.write(p, gzip(Arrays.copyOf(full, 16 + 1000)));
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("300x28x28 = 235200"), e.getMessage());
        assertTrue(e.getMessage().contains("only 1000"), e.getMessage());
    }

    @Test
    void badMagicIsRejected() throws IOException {
        Path p = tmp.resolve("not-idx.html");
        Files.writeString(p, "<html>Not found</html>");
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("not an IDX file"), e.getMessage());
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
    }

    @Test
    void nonByteTypeIsRejected() throws IOException {
        Path p = tmp.resolve("floats");
        Files.write(p, new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0});
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("0x0d (float)"), e.getMessage());
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        Path p = tmp.resolve("long");
        Files.write(p, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 5, 6, 7});
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("bytes after"), e.getMessage());
    }

    @Test
    void truncatedHeaderIsRejected() throws IOException {
        Path p = tmp.resolve("header");
        Files.write(p, new byte[] {0, 0, 8, 3, 0, 0});
        DataException e = assertThrows(DataException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("truncated inside its header"), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchIsRejected() throws IOException {
        Idx images = Idx.read(Slice.file("t10k-images-idx3-ubyte.gz"));
        Path p = tmp.resolve("labels");
        Files.write(p, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 3, 4});
        Idx labels = Idx.read(p);
        DataException e = assertThrows(DataException.class,
                () -> ImageSet.of("test", images, labels, Slice.DIGITS));
        assertTrue(e.getMessage().contains("300 images"), e.getMessage());
        assertTrue(e.getMessage().contains("2 labels"), e.getMessage());
    }

    @Test
    void hugeHeaderOnATinyFileIsRefusedBeforeAllocating() throws IOException {
        // 8 bytes: magic 00 00 08 01, then one dimension of 2^31 - 17 bytes that are not there
        byte[] header = {0, 0, 8, 1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xef};
        Path raw = tmp.resolve("huge-header");
        Files.write(raw, header);
        Path gz = tmp.resolve("huge-header.gz");
        Files.write(gz, gzip(header));
        for (Path p : new Path[] {raw, gz}) {
            DataException e = assertThrows(DataException.class, () -> Idx.read(p));
            assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("2147483631 data bytes, but only 0 are present"), e.getMessage());
            assertTrue(e.getMessage().contains("Delete it"), e.getMessage());
            long allocated = Allocation.of(() -> Idx.read(p));
            assertTrue(allocated < 16 << 20, "allocated " + allocated + " bytes for an 8-byte file");
        }
    }

    static byte[] gunzipped(String sliceFile) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(Slice.file(sliceFile)))) {
            return in.readAllBytes();
        }
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
