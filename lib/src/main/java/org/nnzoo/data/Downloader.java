package org.nnzoo.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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
 *
 * <p>This class is the download itself (URLs in turn, the request, the waiting with its timeouts, the
 * checks); its helpers are {@link PartFiles} (the temporary files), {@link BodyWriter} (streaming the body to
 * disk) and {@link LineProgress} (the progress line).
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
                    + file.fileName() + ": " + PartFiles.reason(e) + ". Set " + DataHome.ENV + " (or -D"
                    + DataHome.PROPERTY + ") to a folder you can write to.", e);
        }
        PartFiles.removeStaleParts(targetDir);
        Path target = targetDir.resolve(file.fileName());
        List<String> failures = new ArrayList<>();
        for (String url : file.urls()) {
            Path temp = PartFiles.newPartFile(targetDir, file);
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
                PartFiles.deleteQuietly(temp);
            }
        }
        throw new DataException("Could not download " + file.fileName() + " into " + targetDir
                + ". Every URL failed:\n  " + String.join("\n  ", failures)
                + "\nNothing was left in " + targetDir + ". Check the network, or put a copy of "
                + file.fileName() + " (SHA-256 " + file.sha256() + ") in " + targetDir + " yourself.");
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
                throw new DownloadRejected("HTTP status " + response.statusCode());
            }
            if (writer.error != null) {
                throw writer.error;
            }
            progress.update(file.fileName(), writer.bytes, file.size(), true);
            if (file.size() >= 0 && writer.bytes != file.size()) {
                throw new DownloadRejected("got " + writer.bytes + " bytes, expected " + file.size()
                        + " (truncated or wrong file)");
            }
            String actual = HexFormat.of().formatHex(writer.digest.digest());
            if (!actual.equals(file.sha256())) {
                throw new DownloadRejected("SHA-256 mismatch: expected " + file.sha256() + ", got " + actual
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
                    throw new DownloadRejected(late);
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
        if (e instanceof DownloadRejected) {
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
}
