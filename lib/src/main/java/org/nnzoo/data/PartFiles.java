package org.nnzoo.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * The temporary {@code .part} files of {@link Downloader}: created readable by everyone (like the files they
 * become, so that a shared folder stays usable by its other users), deleted when a download fails, and
 * cleaned up when a killed download left one behind (no process locks it, and it has not changed for
 * {@link Downloader#STALE_PART_AGE}).
 */
final class PartFiles {

    private static final String PART = ".part";
    private static final Set<PosixFilePermission> READABLE_BY_ALL = PosixFilePermissions.fromString("rw-r--r--");

    private PartFiles() {
    }

    /**
     * Creates the temporary file for a download, readable by everyone like the file it becomes (a temporary
     * file is created {@code rw-------}, which would lock the other users of a shared folder out).
     *
     * @throws DataException if the folder cannot be written, saying why (permission, read-only file system)
     */
    static Path newPartFile(Path dir, RemoteFile file) {
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, file.fileName() + ".", PART);
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, READABLE_BY_ALL);
            }
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw new DataException("Cannot write to " + dir + ": " + reason(e) + ". So " + file.fileName()
                    + " cannot be downloaded there. Set " + DataHome.ENV + " (or -D" + DataHome.PROPERTY
                    + ") to a folder you can write to, or ask the owner of " + dir + " to put " + file.fileName()
                    + " (SHA-256 " + file.sha256() + ") in it.", e);
        }
    }

    /** @return why a file could not be written: "permission denied", "read-only file system", or the error */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(Locale.ROOT);
        }
        return DataException.describe(e);
    }

    /**
     * Deletes the {@code .part} files that killed downloads left in {@code dir}: those that no process
     * holds a lock on (a download locks its file; the system drops the lock when the process dies) and
     * that have not changed for {@link Downloader#STALE_PART_AGE} (so that a file another process has just created,
     * and not yet locked, is kept). Best effort: a file that cannot be checked is kept.
     */
    static void removeStaleParts(Path dir) {
        Instant staleBefore = Instant.now().minus(Downloader.STALE_PART_AGE);
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "*" + PART)) {
            for (Path part : parts) {
                deleteIfStale(part, staleBefore);
            }
        } catch (IOException | DirectoryIteratorException e) {
            // cleaning up is a courtesy; the download does not depend on it
        }
    }

    private static void deleteIfStale(Path part, Instant staleBefore) {
        try {
            if (!Files.isRegularFile(part, LinkOption.NOFOLLOW_LINKS)
                    || Files.getLastModifiedTime(part).toInstant().isAfter(staleBefore)) {
                return;
            }
            // a shared lock is refused while a live download holds its exclusive one
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ);
                 FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true)) {
                if (lock != null) {
                    Files.delete(part);
                }
            }
        } catch (IOException | OverlappingFileLockException e) {
            // locked by this JVM, unreadable or already gone: keep it
        }
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // nothing more we can do; the .part name marks it as incomplete
            }
        }
    }
}
