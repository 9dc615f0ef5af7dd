package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.security.auth.module.UnixSystem;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a local HTTP server on 127.0.0.1; never touches the real network. */
class DownloaderTest {

    private static final String NAME = "t10k-labels-idx1-ubyte.gz";
    /** The pinned size of the file that the /flood/ server sends 40 times over. */
    private static final int FLOOD_PINNED = 1 << 20;

    @TempDir
    Path tmp;

    private HttpServer server;
    private ExecutorService pool;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong flooded = new AtomicLong();
    private final CountDownLatch floodEnded = new CountDownLatch(1);
    private byte[] good;
    private String base;

    @BeforeEach
    void start() throws IOException {
        good = Files.readAllBytes(Slice.file(NAME));
        byte[] tampered = good.clone();
        tampered[100] ^= 0x01;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/good/", ex -> send(ex, 200, good));
        server.createContext("/trunc/", ex -> send(ex, 200, Arrays.copyOf(good, 100)));
        server.createContext("/tampered/", ex -> send(ex, 200, tampered));
        server.createContext("/missing/", ex -> send(ex, 404, "not found".getBytes(StandardCharsets.UTF_8)));
        server.createContext("/redirect/", ex -> {
            requests.incrementAndGet();
            ex.getResponseHeaders().add("Location", "/good/" + NAME);
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        server.createContext("/cut/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, good.length);
            OutputStream out = ex.getResponseBody();
            out.write(good, 0, 100);
            out.flush();
            ex.close();
        });
        server.createContext("/stall/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, good.length);
            OutputStream out = ex.getResponseBody();
            out.write(good, 0, 10);
            out.flush();
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.createContext("/trickle/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, good.length);
            try (OutputStream out = ex.getResponseBody()) {
                for (byte b : good) { // one byte every 100 ms: never idle long enough for the read timeout
                    out.write(b);
                    out.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.createContext("/flood/", ex -> {
            requests.incrementAndGet();
            ex.sendResponseHeaders(200, 40L * FLOOD_PINNED);
            byte[] chunk = new byte[1 << 16];
            try (OutputStream out = ex.getResponseBody()) {
                while (flooded.get() < 40L * FLOOD_PINNED) {
                    out.write(chunk);
                    flooded.addAndGet(chunk.length);
                }
            } finally {
                floodEnded.countDown();
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        pool.shutdownNow();
        DataHome.clearOverride();
    }

    private void send(HttpExchange ex, int status, byte[] body) throws IOException {
        requests.incrementAndGet();
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private RemoteFile remote(String... dirs) {
        List<String> urls = Stream.of(dirs).map(d -> base + "/" + d + "/" + NAME).toList();
        return new RemoteFile(NAME, urls, Slice.TEST_LABELS.sha256(), good.length);
    }

    /** Generous timeouts: these tests must not depend on how busy the machine is. */
    private static Downloader online() {
        return new Downloader(false, Duration.ofSeconds(10), Duration.ofSeconds(10), Downloader.Progress.none());
    }

    private List<String> listing(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void goodFileIsVerifiedAndMovedIntoPlace() throws IOException {
        AtomicLong last = new AtomicLong(-1);
        AtomicInteger doneCalls = new AtomicInteger();
        Downloader d = new Downloader(false, Duration.ofSeconds(2), Duration.ofSeconds(2), (f, bytes, total, done) -> {
            last.set(bytes);
            if (done) {
                doneCalls.incrementAndGet();
            }
        });
        Path cache = tmp.resolve("cache");
        Path p = d.download(remote("good"), cache);
        assertEquals(cache.resolve(NAME), p);
        assertArrayEquals(good, Files.readAllBytes(p));
        assertEquals(List.of(NAME), listing(cache));
        assertEquals(good.length, last.get());
        assertEquals(1, doneCalls.get());
    }

    @Test
    void truncatedDownloadFailsAndLeavesNothing() throws IOException {
        DataException e = assertThrows(DataException.class, () -> online().download(remote("trunc"), tmp));
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
        assertTrue(e.getMessage().contains("got 100 bytes, expected 178"), e.getMessage());
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void tamperedDownloadFailsAndLeavesNothing() throws IOException {
        DataException e = assertThrows(DataException.class, () -> online().download(remote("tampered"), tmp));
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(Slice.TEST_LABELS.sha256()), e.getMessage());
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void tamperedWithUnknownSizeIsStillCaughtByHash() throws IOException {
        RemoteFile r = new RemoteFile(NAME, List.of(base + "/tampered/" + NAME), Slice.TEST_LABELS.sha256(), -1);
        assertThrows(DataException.class, () -> online().download(r, tmp));
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void connectionDroppedMidBodyFailsAndLeavesNothing() throws IOException {
        DataException e = assertThrows(DataException.class, () -> online().download(remote("cut"), tmp));
        assertTrue(e.getMessage().contains(NAME), e.getMessage());
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void stalledServerTimesOut() throws IOException {
        long t0 = System.nanoTime();
        // the server stalls for 3 s after 10 bytes; a 700 ms read timeout must give up long before that
        Downloader impatient = new Downloader(false, Duration.ofSeconds(10), Duration.ofMillis(700), Downloader.Progress.none());
        DataException e = assertThrows(DataException.class, () -> impatient.download(remote("stall"), tmp));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("no data"), e.getMessage());
        assertTrue(ms < 2900, "took " + ms + " ms");
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void nextUrlIsTriedWhenFirstFails() throws IOException {
        Path p = online().download(remote("missing", "tampered", "good"), tmp);
        assertArrayEquals(good, Files.readAllBytes(p));
        assertEquals(3, requests.get());
        assertEquals(List.of(NAME), listing(tmp));
    }

    @Test
    void allUrlsFailingListsEachFailure() {
        DataException e = assertThrows(DataException.class, () -> online().download(remote("missing", "trunc"), tmp));
        assertTrue(e.getMessage().contains("/missing/" + NAME + ": HTTP status 404"), e.getMessage());
        assertTrue(e.getMessage().contains("/trunc/" + NAME + ": got 100 bytes"), e.getMessage());
    }

    @Test
    void redirectsAreFollowed() throws IOException {
        Path p = online().download(remote("redirect"), tmp);
        assertArrayEquals(good, Files.readAllBytes(p));
    }

    @Test
    void offlineModeNeverTouchesTheNetwork() throws IOException {
        Downloader offline = new Downloader(true, Duration.ofSeconds(1), Duration.ofSeconds(1), Downloader.Progress.none());
        DataException e = assertThrows(DataException.class, () -> offline.download(remote("good"), tmp.resolve("c")));
        assertTrue(e.getMessage().contains("offline"), e.getMessage());
        assertEquals(0, requests.get());
        assertEquals(List.of(), listing(tmp));

        DataHome.setOverride(tmp);
        DataException e2 = assertThrows(DataException.class,
                () -> new DataLocator(offline).locate("demo", List.of(remote("good")), List.of()));
        assertTrue(e2.getMessage().contains("Offline"), e2.getMessage());
        assertTrue(e2.getMessage().contains(NAME), e2.getMessage());
        assertEquals(0, requests.get());
    }

    @Test
    void defaultOfflineSettingFollowsNnzooPropertyNotDjls() {
        // surefire (like the kernel) runs with -Dai.djl.offline=true: that alone must not block downloads
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertFalse(Downloader.offlineByDefault() && System.getenv("NNZOO_OFFLINE") == null);
        try {
            System.setProperty("nnzoo.offline", "true");
            assertTrue(Downloader.offlineByDefault());
            assertTrue(new Downloader().offline());
        } finally {
            System.clearProperty("nnzoo.offline");
        }
    }

    @Test
    void locatorDownloadsIntoDataHomeOnceThenFindsIt() throws IOException {
        DataHome.setOverride(tmp);
        DataLocator locator = new DataLocator(online());
        List<Path> first = locator.locate("demo", List.of(remote("missing", "good")), List.of());
        assertEquals(tmp.resolve("demo").resolve(NAME), first.get(0));
        assertEquals(2, requests.get());
        List<Path> second = locator.locate("demo", List.of(remote("missing", "good")), List.of());
        assertEquals(first, second);
        assertEquals(2, requests.get(), "a cached, verified file is not downloaded again");
    }

    @Test
    void locatorReportsFailedDownloadWithFixAndLeavesNothing() throws IOException {
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> new DataLocator(online()).locate("demo", List.of(remote("tampered")), List.of()));
        assertTrue(e.getMessage().contains("NNZOO_DATA"), e.getMessage());
        assertTrue(e.getMessage().contains("SHA-256 mismatch"), e.getMessage());
        assertEquals(List.of(), listing(tmp.resolve("demo")));
    }

    @Test
    void tricklingServerHitsTheDeadline() throws IOException {
        // one byte every 100 ms never trips the 2 s idle timeout; the 1.5 s deadline for the whole file does
        Downloader d = new Downloader(false, Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofMillis(1500),
                Downloader.Progress.none());
        long t0 = System.nanoTime();
        DataException e = assertThrows(DataException.class, () -> d.download(remote("trickle"), tmp));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(e.getMessage().contains("not complete after 1.5 s, the deadline per file"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dnnzoo.download.deadline="), e.getMessage());
        assertTrue(ms >= 1500 && ms < 4000, "took " + ms + " ms");
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void deadlineComesFromASystemProperty() {
        try {
            System.setProperty(Downloader.DEADLINE_PROPERTY, "7");
            assertEquals(Duration.ofSeconds(7), Downloader.deadlineByDefault());
            System.setProperty(Downloader.DEADLINE_PROPERTY, "soon");
            DataException e = assertThrows(DataException.class, Downloader::deadlineByDefault);
            assertTrue(e.getMessage().contains("-Dnnzoo.download.deadline=soon"), e.getMessage());
        } finally {
            System.clearProperty(Downloader.DEADLINE_PROPERTY);
        }
        assertEquals(Duration.ofMinutes(30), Downloader.deadlineByDefault());
    }

    @Test
    void oversizedBodyIsCutOffAtThePinnedSize() throws Exception {
        // the server sends 40 MiB for a file pinned at 1 MiB
        RemoteFile big = new RemoteFile("big.bin", List.of(base + "/flood/big.bin"), "0".repeat(64), FLOOD_PINNED);
        AtomicLong most = new AtomicLong();
        Downloader d = new Downloader(false, Duration.ofSeconds(10), Duration.ofSeconds(10),
                (f, bytes, total, done) -> most.accumulateAndGet(bytes, Math::max));
        DataException e = assertThrows(DataException.class, () -> d.download(big, tmp));
        assertTrue(e.getMessage().contains("the server sent more than the 1048576 bytes expected; stopped"),
                e.getMessage());
        assertTrue(most.get() <= FLOOD_PINNED, "wrote " + most.get() + " bytes");
        floodEnded.await(5, TimeUnit.SECONDS);
        assertTrue(flooded.get() < 40L * FLOOD_PINNED, "the server could send all " + flooded.get() + " bytes");
        assertEquals(List.of(), listing(tmp));
    }

    /** A .part file as a download leaves it, last modified at {@code time}. */
    private static Path part(Path dir, String id, Instant time) throws IOException {
        Path p = Files.write(dir.resolve(NAME + "." + id + ".part"), new byte[10]);
        Files.setLastModifiedTime(p, FileTime.from(time));
        return p;
    }

    @Test
    void stalePartFilesAreRemovedButLiveOnesKept() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cache"));
        Instant hourAgo = Instant.now().minus(1, ChronoUnit.HOURS);
        Path stale = part(dir, "1", hourAgo);        // left by a killed JVM
        Path fresh = part(dir, "2", Instant.now());  // just created by another process, not locked yet
        Path live = part(dir, "3", hourAgo);         // another process is downloading: it holds the lock
        Path notes = Files.write(dir.resolve("notes.txt"), new byte[1]);
        Files.setLastModifiedTime(notes, FileTime.from(hourAgo));
        Process holder = ChildJvm.start("lock", live.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("locked", out.readLine());
            online().download(remote("good"), dir);
            assertFalse(Files.exists(stale), "a stale .part is removed");
            assertTrue(Files.exists(fresh) && Files.exists(live) && Files.exists(notes), String.valueOf(listing(dir)));
        } finally {
            holder.getOutputStream().close();
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
        }
        online().download(remote("good"), dir); // the other process has ended: its file is stale now
        assertFalse(Files.exists(live));
        assertEquals(List.of("notes.txt", NAME, fresh.getFileName().toString()), listing(dir));
    }

    @Test
    void readOnlyFolderIsNamedInsteadOfTheNetwork() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        String message;
        if (new UnixSystem().getUid() != 0) {
            message = assertThrows(DataException.class, () -> online().download(remote("good"), readOnly)).getMessage();
        } else { // root may write anywhere: try as another user
            String why = ChildJvm.cannotSwitchUser();
            if (why != null) {
                System.err.println("SKIPPED DownloaderTest.readOnlyFolderIsNamedInsteadOfTheNetwork: " + why);
            }
            assumeTrue(why == null, why);
            ChildJvm.Result r = ChildJvm.runJavaAsNobody(tmp.resolve("child"), "download", base + "/good/" + NAME,
                    readOnly.toString(), NAME, Slice.TEST_LABELS.sha256(), String.valueOf(good.length));
            assertEquals(1, r.exit(), r.output());
            message = r.output();
        }
        assertTrue(message.contains("Cannot write to " + readOnly + ": permission denied."), message);
        assertFalse(message.contains("Check the network"), message);
        assertEquals(0, requests.get(), "nothing was requested");
        assertEquals(List.of(), listing(readOnly));
    }

    @Test
    void downloadedFileIsReadableByEveryone() throws IOException {
        Path p = online().download(remote("good"), tmp.resolve("shared"));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
    }

    @Test
    void anotherUserCanReadADownloadedFile() throws Exception {
        String why = ChildJvm.cannotSwitchUser();
        if (why != null) {
            System.err.println("SKIPPED DownloaderTest.anotherUserCanReadADownloadedFile: " + why);
        }
        assumeTrue(why == null, why);
        Path shared = tmp.resolve("shared");
        Path p = online().download(remote("good"), shared);
        ChildJvm.openToAll(tmp);
        ChildJvm.openToAll(shared);
        ChildJvm.Result r = ChildJvm.runAsNobody(Duration.ofSeconds(10), List.of("cat", p.toString()));
        assertEquals(0, r.exit(), r.output());
        assertArrayEquals(good, r.output().getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void failedConnectionNamesTheCause() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String unresolvable = "http://nnzoo-no-such-host.invalid/" + NAME;
        String refused = "http://127.0.0.1:" + closedPort + "/" + NAME;
        RemoteFile r = new RemoteFile(NAME, List.of(unresolvable, refused), Slice.TEST_LABELS.sha256(), good.length);
        DataException e = assertThrows(DataException.class, () -> online().download(r, tmp));
        assertTrue(e.getMessage().contains(unresolvable + ": UnknownHostException: nnzoo-no-such-host.invalid"),
                e.getMessage());
        assertTrue(e.getMessage().contains(refused + ": ConnectException: cannot connect to 127.0.0.1:" + closedPort),
                e.getMessage());
        assertFalse(e.getMessage().contains("null"), e.getMessage());
        assertEquals(List.of(), listing(tmp));
    }

    @Test
    void progressLineUsesCarriageReturnsAndOneNewline() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Downloader.Progress line = Downloader.Progress.line(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        for (long b = 0; b <= 5_000_000; b += 1000) {
            line.update("big.gz", b, 5_000_000, false);
        }
        line.update("big.gz", 5_000_000, 5_000_000, true);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("\rDownloading big.gz"), out);
        assertTrue(out.endsWith("100% 5.0/5.0 MB" + System.lineSeparator()), out);
        assertEquals(1, out.split("\n", -1).length - 1, "exactly one newline");
        assertTrue(out.split("\r", -1).length < 20, "throttled, not thousands of updates");
    }
}
