package org.nnzoo.data;

import com.sun.security.auth.module.UnixSystem;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs code of this package in a second JVM, for the tests that need another process (a download that
 * holds a lock) or another user (a root JVM ignores file permissions, so "read-only" and "readable by
 * others" are checked as uid 65534, nobody, with util-linux's {@code setpriv}).
 *
 * <p>Its {@code main} is what the second JVM runs: {@code lock FILE} locks a file until its input closes;
 * {@code download URL DIR NAME SHA256 SIZE} downloads and prints the outcome.
 */
final class ChildJvm {

    /** The unprivileged user (and group) that tests switch to. */
    static final int NOBODY = 65534;

    private ChildJvm() {
    }

    /** The outcome of a finished command; {@code output} holds its bytes one char each (Latin-1). */
    record Result(int exit, String output) {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "lock" -> {
                try (FileChannel channel = FileChannel.open(Path.of(args[1]), StandardOpenOption.WRITE)) {
                    channel.lock();
                    System.out.println("locked");
                    System.out.flush();
                    System.in.read(); // until the test closes our input
                }
            }
            case "download" -> {
                RemoteFile file = new RemoteFile(args[3], List.of(args[1]), args[4], Long.parseLong(args[5]));
                Downloader d = new Downloader(false, Duration.ofSeconds(10), Duration.ofSeconds(10),
                        Downloader.Progress.none());
                try {
                    System.out.println("downloaded " + d.download(file, Path.of(args[2])));
                } catch (DataException e) {
                    System.out.println(e.getMessage());
                    System.exit(1);
                }
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Starts {@code main} with these arguments in a new JVM as this user, on the test class path. */
    static Process start(String... args) throws IOException {
        List<String> command = javaCommand(testClassPath() + File.pathSeparator + classFolder(Downloader.class));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** @return why this test JVM cannot run commands as another user, or null if it can */
    static String cannotSwitchUser() {
        if (new UnixSystem().getUid() != 0) {
            return "the tests do not run as root, so they cannot switch to uid " + NOBODY;
        }
        if (setpriv() == null) {
            return "setpriv (util-linux) is not installed";
        }
        return null;
    }

    /** Runs a command as uid/gid 65534 with no supplementary groups; see {@link #cannotSwitchUser()}. */
    static Result runAsNobody(Duration timeout, List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of(setpriv().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--"));
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out after " + timeout + ": " + full);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
    }

    /**
     * Runs {@code main} as uid 65534, on a copy of this package's classes in {@code scratch} (the build
     * folders may not be readable by another user); {@code scratch} and its parent are opened to all.
     */
    static Result runJavaAsNobody(Path scratch, String... args) throws IOException, InterruptedException {
        Path classes = scratch.resolve("classes");
        for (Path from : List.of(classFolder(Downloader.class), testClassPath())) {
            copyPackage(from, classes);
        }
        openToAll(scratch.getParent());
        openToAll(scratch);
        try (Stream<Path> all = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                openToAll(p);
            }
        }
        List<String> command = javaCommand(classes.toString());
        command.addAll(List.of(args));
        return runAsNobody(Duration.ofSeconds(60), command);
    }

    /** rwxr-xr-x for folders, rw-r--r-- for files. */
    static void openToAll(Path p) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
    }

    private static List<String> javaCommand(String classPath) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ArrayList<>(List.of(java.toString(), "-XX:-UsePerfData", "-cp", classPath, ChildJvm.class.getName()));
    }

    private static Path setpriv() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, "setpriv");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static Path testClassPath() {
        return classFolder(ChildJvm.class);
    }

    private static Path classFolder(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyPackage(Path classFolder, Path target) throws IOException {
        Path pkg = Path.of("org", "nnzoo", "data");
        Files.createDirectories(target.resolve(pkg));
        try (Stream<Path> files = Files.list(classFolder.resolve(pkg))) {
            files.filter(f -> f.toString().endsWith(".class")).forEach(f -> {
                try {
                    Files.copy(f, target.resolve(pkg).resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
