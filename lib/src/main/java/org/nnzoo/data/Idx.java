package org.nnzoo.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An array read from an IDX file, the format of MNIST and Fashion-MNIST.
 *
 * <p>An IDX file is a big-endian header (two zero bytes, a type byte, the number of dimensions,
 * then one 32-bit size per dimension) followed by the data in row-major order. Only the type
 * {@code 0x08} (unsigned byte) is supported. Files may be gzip-compressed; compression is
 * recognised by the magic bytes {@code 1f 8b}, not by the file name.
 *
 * <p>The arrays are returned as read, without copies; treat them as read-only.
 *
 * @param dims the size of each dimension, e.g. {@code [10000, 28, 28]}
 * @param data the values as unsigned bytes (use {@code b & 0xFF}), row-major
 */
public record Idx(int[] dims, byte[] data) {

    /** The IDX type code for unsigned bytes. */
    public static final int UBYTE = 0x08;

    /** @return the size of the first dimension (the number of items) */
    public int count() {
        return dims[0];
    }

    /**
     * Reads an IDX file, gzip-compressed or not.
     *
     * @param file the file
     * @return its dimensions and data
     * @throws DataException if the file is not a valid unsigned-byte IDX file or is truncated
     */
    public static Idx read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new DataException("Cannot read IDX file " + file + ": " + e, e);
        }
    }

    /**
     * Reads IDX data from a stream, gzip-compressed or not; does not close the stream.
     *
     * @param input the bytes
     * @param source a name for the data (a file name), used in error messages
     * @return its dimensions and data
     * @throws DataException if the data is not a valid unsigned-byte IDX array or is truncated
     */
    public static Idx read(InputStream input, String source) {
        try {
            BufferedInputStream buffered = new BufferedInputStream(input, 1 << 16);
            buffered.mark(2);
            boolean gzip = buffered.read() == 0x1f && buffered.read() == 0x8b;
            buffered.reset();
            InputStream raw = gzip ? new GZIPInputStream(buffered, 1 << 16) : buffered;
            return parse(new DataInputStream(raw), source, gzip);
        } catch (ZipException | EOFException e) {
            throw new DataException("IDX file " + source + " is corrupt or truncated (gzip stream: "
                    + e.getMessage() + "). Delete it and download it again.", e);
        } catch (IOException e) {
            throw new DataException("Cannot read IDX file " + source + ": " + e, e);
        }
    }

    private static Idx parse(DataInputStream in, String source, boolean gzip) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got < 4) {
            throw new DataException("IDX file " + source + " is truncated: it has " + got
                    + " bytes, less than the 4-byte magic number.");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataException(String.format("%s is not an IDX file: it starts with %02x %02x %02x %02x,"
                    + " but an IDX file starts with 00 00 <type> <dims>%s.", source, magic[0], magic[1],
                    magic[2], magic[3], gzip ? " (after gunzipping)" : ""));
        }
        int type = magic[2] & 0xFF;
        if (type != UBYTE) {
            throw new DataException(String.format("IDX file %s has data type 0x%02x (%s); only 0x08"
                    + " (unsigned byte) is supported.", source, type, typeName(type)));
        }
        int ndim = magic[3] & 0xFF;
        if (ndim < 1 || ndim > 8) {
            throw new DataException("IDX file " + source + " declares " + ndim
                    + " dimensions; expected 1 to 8.");
        }
        int[] dims = new int[ndim];
        long total = 1;
        for (int i = 0; i < ndim; i++) {
            byte[] b = new byte[4];
            if (in.readNBytes(b, 0, 4) < 4) {
                throw new DataException("IDX file " + source + " is truncated inside its header ("
                        + ndim + " dimensions declared).");
            }
            dims[i] = ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (dims[i] < 0) {
                throw new DataException("IDX file " + source + " has a negative size in dimension "
                        + i + ": " + dims[i]);
            }
            total *= dims[i];
            if (total > Integer.MAX_VALUE - 16) {
                throw new DataException("IDX file " + source + " is too large for one Java array: "
                        + shape(dims) + ".");
            }
        }
        // The header may claim far more than the file holds: memory grows only with the bytes present.
        byte[] data = BoundedRead.upTo(in, (int) total);
        if (data.length < total) {
            throw new DataException("IDX file " + source + " is truncated: its header says "
                    + shape(dims) + " = " + total + " data bytes, but only " + data.length + " are present"
                    + (gzip ? " after gunzipping" : "") + ". Delete it and download it again.");
        }
        if (in.read() != -1) {
            throw new DataException("IDX file " + source + " has bytes after the " + total
                    + " that its header (" + shape(dims) + ") declares; it is not a valid IDX file.");
        }
        return new Idx(dims, data);
    }

    /** @return the dimensions as text, e.g. {@code 10000x28x28} */
    public String shape() {
        return shape(dims);
    }

    private static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    private static String typeName(int type) {
        switch (type) {
            case 0x09: return "signed byte";
            case 0x0B: return "short";
            case 0x0C: return "int";
            case 0x0D: return "float";
            case 0x0E: return "double";
            default: return "unknown type";
        }
    }

    @Override
    public String toString() {
        return "Idx[" + shape() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Idx other && Arrays.equals(dims, other.dims) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }
}
