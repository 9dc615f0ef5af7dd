package org.nnzoo.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads bytes into memory without trusting what a file says about its own size.
 *
 * <p>A header or a zip directory can claim gigabytes that are not there (or a small compressed
 * file can expand to gigabytes). These methods grow their buffer only as bytes actually arrive,
 * and stop at a limit, so a hostile or broken file costs at most the limit in memory.
 */
final class BoundedRead {

    private static final int FIRST_CHUNK = 1 << 16;

    private BoundedRead() {
    }

    /**
     * Reads until the stream ends or {@code max} bytes have been read; does not close the stream.
     *
     * @return the bytes read: {@code max} of them, or fewer if the stream ended first
     */
    static byte[] upTo(InputStream in, int max) throws IOException {
        byte[] buf = new byte[Math.min(max, FIRST_CHUNK)];
        int n = 0;
        while (n < max) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /**
     * Reads a whole stream that must not be longer than {@code limit} bytes.
     *
     * @param source names the data in the error message (a file, or a zip member)
     * @throws DataException if the stream holds more than {@code limit} bytes
     */
    static byte[] all(InputStream in, int limit, String source) throws IOException {
        byte[] bytes = upTo(in, limit);
        if (bytes.length == limit && in.read() >= 0) {
            throw new DataException(source + " holds more than " + mib(limit) + ", far more than any file of"
                    + " this data set: it is damaged, not the right file, or a decompression bomb. Delete it (it"
                    + " will be downloaded again when online), or replace it with a good copy.");
        }
        return bytes;
    }

    /** Reads a whole file that must not be longer than {@code limit} bytes (see {@link #all}). */
    static byte[] file(Path file, int limit) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return all(in, limit, file.toString());
        }
    }

    /**
     * Reads a whole file as {@link #file} does, and reports a failure to read it as a {@link DataException}
     * {@code "Cannot read <what><file>: <exception>"}.
     *
     * @param what the kind of file, for the message, e.g. {@code "the Cora file "} (or {@code ""})
     */
    static byte[] dataFile(Path file, int limit, String what) {
        try {
            return file(file, limit);
        } catch (IOException e) {
            throw new DataException("Cannot read " + what + file + ": " + e, e);
        }
    }

    private static String mib(int bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
