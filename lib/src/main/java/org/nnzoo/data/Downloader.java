package org.nnzoo.data;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Downloads a {@link RemoteFile} safely into a folder.
 *
 * <p>The bytes go to a temporary file in the target folder while progress is reported; then the
 * size and SHA-256 are checked and the file is moved into place with an atomic rename. On any
 * failure the temporary file is deleted, so the cache never holds a half-written or unverified
 * file, and the next URL is tried. Redirects are followed; connecting and waiting for data both
 * time out.
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

    private final boolean offline;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final Progress progress;
    private HttpClient client;

    /** A downloader with the default offline setting, 30 s / 60 s timeouts and progress on stderr. */
    public Downloader() {
        this(offlineByDefault(), Duration.ofSeconds(30), Duration.ofSeconds(60), Progress.line(System.err));
    }

    /**
     * @param offline if true, never download (every download throws a {@link DataException})
     * @param connectTimeout time allowed to connect
     * @param readTimeout time allowed to wait for the response headers, and for each piece of data
     * @param progress receives progress
     */
    public Downloader(boolean offline, Duration connectTimeout, Duration readTimeout, Progress progress) {
        this.offline = offline;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.progress = progress;
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
                    + file.fileName() + " (" + e + "). Set " + DataHome.ENV
                    + " to a writable folder.", e);
        }
        Path target = targetDir.resolve(file.fileName());
        List<String> failures = new ArrayList<>();
        for (String url : file.urls()) {
            Path temp = null;
            try {
                temp = Files.createTempFile(targetDir, file.fileName() + ".", ".part");
                fetch(url, file, temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } catch (IOException e) {
                failures.add(url + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failures.add(url + ": interrupted");
                deleteQuietly(temp);
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

    /** Streams one URL into {@code temp} and checks it; throws IOException on any problem. */
    private void fetch(String url, RemoteFile file, Path temp) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(readTimeout)
                .header("User-Agent", "nnzoo-downloader")
                .GET()
                .build();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
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
                throw new IOException("HTTP status " + response.statusCode());
            }
            if (writer.error != null) {
                throw writer.error;
            }
            progress.update(file.fileName(), writer.bytes, file.size(), true);
            if (file.size() >= 0 && writer.bytes != file.size()) {
                throw new IOException("got " + writer.bytes + " bytes, expected " + file.size()
                        + " (truncated or wrong file)");
            }
            String actual = HexFormat.of().formatHex(writer.digest.digest());
            if (!actual.equals(file.sha256())) {
                throw new IOException("SHA-256 mismatch: expected " + file.sha256() + ", got " + actual
                        + " (corrupted or tampered file)");
            }
        }
    }

    /** Waits for the response, cancelling it when no data arrives for {@code readTimeout}. */
    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> future, BodyWriter writer)
            throws IOException, InterruptedException {
        while (true) {
            if (writer.error != null) {
                future.cancel(true);
                throw writer.error;
            }
            try {
                return future.get(250, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long idle = System.nanoTime() - writer.lastActivity;
                if (idle > readTimeout.toNanos()) {
                    writer.cancel();
                    future.cancel(true);
                    throw new IOException("no data for " + readTimeout.toSeconds() + " s");
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

    private synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .build();
        }
        return client;
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
                error = e;
                subscription.cancel();
            }
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
