package org.nnzoo.data;

import java.util.List;
import java.util.Locale;

/**
 * One file of a data set: its name, where to download it, and the checksums that prove a copy
 * is the right one.
 *
 * <p>{@code sha256} and {@code size} describe the file as the URLs serve it (usually {@code .gz}).
 * For a {@code .gz} file, a local copy may also be found decompressed (the name without
 * {@code .gz}) or re-compressed by someone else (for example Debian re-gzips Fashion-MNIST);
 * {@code rawSha256}/{@code rawSize} describe the decompressed bytes, and {@code otherSha256}
 * lists further known-good hashes of the compressed file.
 *
 * @param fileName the file name, e.g. {@code train-images-idx3-ubyte.gz}
 * @param urls candidate download URLs, tried in order
 * @param sha256 pinned SHA-256 (lower-case hex) of the file as downloaded
 * @param size expected size in bytes of the file as downloaded, or -1 if unknown
 * @param rawSha256 SHA-256 of the decompressed content, or {@code null} if unknown
 * @param rawSize size of the decompressed content, or -1 if unknown
 * @param otherSha256 other accepted SHA-256 values of the compressed file (may be empty)
 */
public record RemoteFile(String fileName, List<String> urls, String sha256, long size,
                         String rawSha256, long rawSize, List<String> otherSha256) {

    /** Checks and normalises the components. */
    public RemoteFile {
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("fileName must be a plain file name: " + fileName);
        }
        urls = List.copyOf(urls);
        sha256 = checkHex(sha256, "sha256");
        rawSha256 = rawSha256 == null ? null : checkHex(rawSha256, "rawSha256");
        otherSha256 = otherSha256.stream().map(h -> checkHex(h, "otherSha256")).toList();
    }

    /**
     * A file known only by its download form.
     *
     * @param fileName the file name
     * @param urls candidate URLs, in order
     * @param sha256 pinned SHA-256 of the file as downloaded
     * @param size expected size in bytes, or -1
     */
    public RemoteFile(String fileName, List<String> urls, String sha256, long size) {
        this(fileName, urls, sha256, size, null, -1, List.of());
    }

    /**
     * @param sha the SHA-256 of the decompressed content
     * @param bytes its size, or -1
     * @return a copy that also knows the decompressed form
     */
    public RemoteFile withRaw(String sha, long bytes) {
        return new RemoteFile(fileName, urls, sha256, size, sha, bytes, otherSha256);
    }

    /**
     * @param hashes further accepted SHA-256 values of the compressed file
     * @return a copy that also accepts these hashes
     */
    public RemoteFile withOtherSha256(String... hashes) {
        return new RemoteFile(fileName, urls, sha256, size, rawSha256, rawSize, List.of(hashes));
    }

    /** @return the name of the decompressed form ({@code x} for {@code x.gz}), or {@code null} */
    public String rawName() {
        return fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : null;
    }

    private static String checkHex(String hex, String what) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException(what + " must be 64 hex digits: " + hex);
        }
        return hex.toLowerCase(Locale.ROOT);
    }
}
