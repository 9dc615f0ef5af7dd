package org.nnzoo.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads a {@link RemoteFile} safely into a folder.
 *
 * <p>The bytes go to a temporary {@code .part} file in the target folder while progress is reported;
 * then the size and SHA-256 are checked and the file is moved into place with an atomic rename. On
 * any failure the temporary file is deleted, so the cache never holds a half-written or unverified
 * file, and the next URL is tried. Redirects are followed.
 *
 * <p>Against slow or hostile servers: connecting, waiting for the response and each wait for data
 * time out; the whole file has a deadline ({@code -Dnnzoo.download.deadline=SECONDS}, 30 minutes by
 * default); and reading stops as soon as more bytes arrive than the file's pinned size.
 *
 * <p>Shared folders: downloaded files are readable by everyone ({@code rw-r--r--}). A download holds
 * an exclusive lock on its {@code .part} file, which the operating system releases if the process
 * dies; {@code .part} files that no process locks and that have not changed for
 * {@link #STALE_PART_AGE} are left over from killed downloads and are deleted at the next download
 * into that folder.
 *
 * <p>In offline mode ({@code -Dnnzoo.offline=true} or {@code NNZOO_OFFLINE=1}) it never touches
 * the network. DJL's own {@code -Dai.djl.offline=true}, which the project always sets so that the
 * PyTorch natives come from the Maven jar, does not stop dataset downloads.
 */
public final class Downloader {

    /** Receives download progress. */
    @FunctionalInterface
    public interface Progress {
        /**
         * Called repeatedly while a file downloads, and once more when it is complete.
         *
         * @param fileName the file being downloaded
         * @param bytes bytes received so far
         * @param total expected total, or -1 if unknown
         * @param done true on the final call for this attempt
         */
        void update(String fileName, long bytes, long total, boolean done);

        /** @return a progress reporter that prints nothing */
        static Progress none() {
            return (f, b, t, d) -> { };
        }

        /** @return a progress reporter that keeps one updating line ({@code \r}) on {@code out} */
        static Progress line(PrintStream out) {
            return new LineProgress(out);
        }
    }

    /** System property: the most seconds one file may take to download ({@link #deadlineByDefault()}). */
    public static final String DEADLINE_PROPERTY = "nnzoo.download.deadline";

    /** How long a {@code .part} file that no process locks must have been unchanged to count as stale. */
    public static final Duration STALE_PART_AGE = Duration.ofMinutes(1);

    private static final String PART = ".part";
    private static final Set<PosixFilePermission> READABLE_BY_ALL = PosixFilePermissions.fromString("rw-r--r--");

    private final boolean offline;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Duration deadline;
    private final Progress progress;
    private HttpClient client;

    /**
     * A downloader with the default offline setting and deadline, 30 s / 60 s timeouts and progress on
     * stderr.
     */
    public Downloader() {
        this(offlineByDefault(), Duration.ofSeconds(30), Duration.ofSeconds(60), deadlineByDefault(),
                Progress.line(System.err));
    }

    /**
     * A downloader with the default deadline per file ({@link #deadlineByDefault()}).
     *
     * @param offline if true, never download (every download throws a {@link DataException})
     * @param connectTimeout time allowed to connect
     * @param readTimeout time allowed to wait for the response headers, and for each piece of data
     * @param progress receives progress
     */
    public Downloader(boolean offline, Duration connectTimeout, Duration readTimeout, Progress progress) {
        this(offline, connectTimeout, readTimeout, deadlineByDefault(), progress);
    }

    /**
     * @param offline if true, never download (every download throws a {@link DataException})
     * @param connectTimeout time allowed to connect
     * @param readTimeout time allowed to wait for the response headers, and for each piece of data
     * @param deadline time allowed for each file as a whole, however steadily its bytes arrive
     * @param progress receives progress
     */
    public Downloader(boolean offline, Duration connectTimeout, Duration readTimeout, Duration deadline,
                      Progress progress) {
        this.offline = offline;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.deadline = deadline;
        this.progress = progress;
    }

    /**
     * @return the system property {@value #DEADLINE_PROPERTY} (seconds) as a duration, or 30 minutes if
     *     it is not set
     * @throws DataException if the property is set but is not a positive whole number
     */
    public static Duration deadlineByDefault() {
        String value = System.getProperty(DEADLINE_PROPERTY);
        if (value == null || value.isBlank()) {
            return Duration.ofMinutes(30);
        }
        try {
            long seconds = Long.parseLong(value.trim());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new DataException("-D" + DEADLINE_PROPERTY + "=" + value + " is not a positive whole number of"
                + " seconds; set it to, for example, 3600 to allow an hour per file.");
    }

    /**
     * @return true if the system property {@code nnzoo.offline} is {@code true} or the environment
     *     variable {@code NNZOO_OFFLINE} is {@code 1} or {@code true}
     */
    public static boolean offlineByDefault() {
        if (Boolean.parseBoolean(System.getProperty("nnzoo.offline", "false"))) {
            return true;
        }
        String env = System.getenv("NNZOO_OFFLINE");
        return env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
    }

    /** @return true if this downloader never uses the network */
    public boolean offline() {
        return offline;
    }

    /**
     * Downloads {@code file} into {@code targetDir}, trying each URL in turn.
     *
     * @param file what to download
     * @param targetDir the folder that will hold it (created if needed)
     * @return the verified file, {@code targetDir/fileName}
     * @throws DataException if offline, if the folder cannot be written, or if no URL gave a
     *     file with the right size and SHA-256
     */
    public Path download(RemoteFile file, Path targetDir) {
        if (offline) {
            throw new DataException("Not downloading " + file.fileName() + ": offline mode is on "
                    + "(-Dnnzoo.offline=true or NNZOO_OFFLINE=1). Put the file in " + targetDir
                    + " yourself, or run once with network access and without offline mode.");
        }
        if (file.urls().isEmpty()) {
            throw new DataException("No download URL is known for " + file.fileName()
                    + ". Put the file in " + targetDir + " yourself.");
        }
        try {
            Files.createDirectories(targetDir);
        } catch (IOException e) {
            throw new DataException("Cannot create the data folder " + targetDir + " to download "
                    + file.fileName() + ": " + reason(e) + ". Set " + DataHome.ENV + " (or -D"
                    + DataHome.PROPERTY + ") to a folder you can write to.", e);
        }
        removeStaleParts(targetDir);
        Path target = targetDir.resolve(file.fileName());
        List<String> failures = new ArrayList<>();
        for (String url : file.urls()) {
            Path temp = newPartFile(targetDir, file);
            try {
                fetch(url, file, temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                failures.add(url + ": " + whyFailed(e, url));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(url + ": interrupted");
                break;
            } finally {
                deleteQuietly(temp);
            }
        }
        throw new DataException("Could not download " + file.fileName() + " into " + targetDir
                + ". Every URL failed:\n  " + String.join("\n  ", failures)
                + "\nNothing was left in " + targetDir + ". Check the network, or put a copy of "
                + file.fileName() + " (SHA-256 " + file.sha256() + ") in " + targetDir + " yourself.");
    }

    /**
     * Creates the temporary file for a download, readable by everyone like the file it becomes (a temporary
     * file is created {@code rw-------}, which would lock the other users of a shared folder out).
     *
     * @throws DataException if the folder cannot be written, saying why (permission, read-only file system)
     */
    private static Path newPartFile(Path dir, RemoteFile file) {
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
    private static String reason(IOException e) {
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
     * that have not changed for {@link #STALE_PART_AGE} (so that a file another process has just created,
     * and not yet locked, is kept). Best effort: a file that cannot be checked is kept.
     */
    private static void removeStaleParts(Path dir) {
        Instant staleBefore = Instant.now().minus(STALE_PART_AGE);
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

    /** Streams one URL into {@code temp} and checks it; throws IOException on any problem. */
    private void fetch(String url, RemoteFile file, Path temp) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(readTimeout)
                .header("User-Agent", "nnzoo-downloader")
                .GET()
                .build();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            out.lock(); // marks the file as live for removeStaleParts; released when the channel closes
            BodyWriter writer = new BodyWriter(out, file, progress);
            CompletableFuture<HttpResponse<Void>> future = client().sendAsync(request, info ->
                    info.statusCode() == 200
                            ? HttpResponse.BodySubscribers.fromSubscriber(writer)
                            : HttpResponse.BodySubscribers.replacing(null));
            HttpResponse<Void> response;
            try {
                response = await(future, writer);
            } catch (IOException | InterruptedException e) {
                progress.update(file.fileName(), writer.bytes, file.size(), true);
                throw e;
            }
            if (response.statusCode() != 200) {
                throw new Rejected("HTTP status " + response.statusCode());
            }
            if (writer.error != null) {
                throw writer.error;
            }
            progress.update(file.fileName(), writer.bytes, file.size(), true);
            if (file.size() >= 0 && writer.bytes != file.size()) {
                throw new Rejected("got " + writer.bytes + " bytes, expected " + file.size()
                        + " (truncated or wrong file)");
            }
            String actual = HexFormat.of().formatHex(writer.digest.digest());
            if (!actual.equals(file.sha256())) {
                throw new Rejected("SHA-256 mismatch: expected " + file.sha256() + ", got " + actual
                        + " (corrupted or tampered file)");
            }
        }
    }

    /**
     * Waits for the response, cancelling it when no data arrives for {@code readTimeout}, or when the whole
     * file takes longer than {@code deadline}.
     */
    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, BodyWriter writer)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            if (writer.error != null) {
                future.cancel(true);
                throw writer.error;
            }
            try {
                return future.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String late = tooLate(writer, start);
                if (late != null) {
                    writer.cancel();
                    future.cancel(true);
                    throw new Rejected(late);
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause), cause);
            } catch (InterruptedException e) {
                writer.cancel();
                future.cancel(true);
                throw e;
            }
        }
    }

    /** @return why to give up waiting for this download (idle too long, or past the deadline), or null */
    private String tooLate(BodyWriter writer, long start) {
        long now = System.nanoTime();
        if (now - writer.lastActivity > readTimeout.toNanos()) {
            return "no data for " + seconds(readTimeout);
        }
        if (now - start > deadline.toNanos()) {
            return "not complete after " + seconds(deadline) + ", the deadline per file (" + writer.bytes + " of "
                    + writer.file.size() + " bytes arrived; allow more time with -D" + DEADLINE_PROPERTY + "=SECONDS)";
        }
        return null;
    }

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
    }

    /** @return e.g. "60 s", or "0.7 s" */
    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s"
                : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /**
     * Says why one URL failed: this class's own checks as they are, anything else by class and message,
     * with the host for the two common network failures (the JDK's exceptions give no message there).
     */
    private static String whyFailed(IOException e, String url) {
        if (e instanceof Rejected) {
            return e.getMessage();
        }
        URI uri = URI.create(url);
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "UnknownHostException: " + uri.getHost() + " (the host name does not resolve: no network,"
                        + " or no DNS)";
            }
        }
        if (e instanceof ConnectException) {
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return "ConnectException: cannot connect to " + uri.getHost() + ":" + port
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
        }
        return DataException.describe(e);
    }

    /** A download that arrived but is wrong (status, size, checksum, time): its message says it all. */
    private static final class Rejected extends IOException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // nothing more we can do; the .part name marks it as incomplete
            }
        }
    }

    /** Writes the response body to the temporary file, hashing and reporting as it goes. */
    private static final class BodyWriter implements Flow.Subscriber<List<ByteBuffer>> {
        final MessageDigest digest = Checksums.sha256();
        final FileChannel out;
        final RemoteFile file;
        final Progress progress;
        volatile long bytes;
        volatile long lastActivity = System.nanoTime();
        volatile IOException error;
        private volatile Flow.Subscription subscription;

        BodyWriter(FileChannel out, RemoteFile file, Progress progress) {
            this.out = out;
            this.file = file;
            this.progress = progress;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            lastActivity = System.nanoTime();
            if (error != null) {
                return;
            }
            long incoming = 0;
            for (ByteBuffer b : buffers) {
                incoming += b.remaining();
            }
            if (file.size() >= 0 && bytes + incoming > file.size()) {
                fail(new Rejected("the server sent more than the " + file.size() + " bytes expected; stopped"
                        + " reading after " + bytes + " (wrong file?)"));
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    digest.update(b.duplicate());
                    while (b.hasRemaining()) {
                        bytes += out.write(b);
                    }
                }
                progress.update(file.fileName(), bytes, file.size(), false);
                subscription.request(1);
            } catch (IOException e) {
                fail(e);
            }
        }

        private void fail(IOException e) {
            error = e;
            subscription.cancel();
        }

        @Override
        public void onError(Throwable t) {
            // reported through the response future
        }

        @Override
        public void onComplete() {
            // the response future completes after this
        }

        void cancel() {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }
    }

    /** Prints one line, rewritten with {@code \r} at most every 200 ms, then a newline when done. */
    private static final class LineProgress implements Progress {
        private final PrintStream out;
        private long lastPrint;

        LineProgress(PrintStream out) {
            this.out = out;
        }

        @Override
        public synchronized void update(String fileName, long bytes, long total, boolean done) {
            long now = System.nanoTime();
            if (!done && now - lastPrint < 200_000_000L) {
                return;
            }
            lastPrint = now;
            double mb = bytes / 1e6;
            String line = total > 0
                    ? String.format(Locale.ROOT, "\rDownloading %s %3d%% %.1f/%.1f MB", fileName,
                            Math.min(100, bytes * 100 / total), mb, total / 1e6)
                    : String.format(Locale.ROOT, "\rDownloading %s %.1f MB", fileName, mb);
            out.print(line);
            if (done) {
                out.println();
            }
            out.flush();
        }
    }
}
