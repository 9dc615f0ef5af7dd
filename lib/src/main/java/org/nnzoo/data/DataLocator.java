package org.nnzoo.data;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipException;

/**
 * Finds the files of a data set on disk, verifying their checksums, and downloads the missing
 * ones into {@code DataHome/<dataset>/}.
 *
 * <p>For each file it looks, in order, in {@code DataHome/<dataset>/}, in {@code DataHome}
 * itself, and in the data set's extra folders (e.g. where a Debian package installs it). In each
 * folder it accepts {@code name.gz} or, for gzip files, the decompressed {@code name}. A file it
 * finds must match a known SHA-256 (see {@link RemoteFile}); if it does not, that is an error,
 * never silently used. Folders where files are found are only read, so read-only folders work.
 */
public final class DataLocator {

    /** What to do about a file that is not what it should be. */
    private static final String BAD_FILE_ADVICE = "It is corrupt, incomplete or a different version. Delete it"
            + " (it will be downloaded again when online), or replace it with a good copy.";

    private final Downloader downloader;

    /** A locator that downloads with a default {@link Downloader} (offline per system settings). */
    public DataLocator() {
        this(new Downloader());
    }

    /** @param downloader used for files that are not found on disk */
    public DataLocator(Downloader downloader) {
        this.downloader = downloader;
    }

    /**
     * @param dataset the data set's folder name, e.g. {@code mnist}
     * @param extraDirs further folders to search after the data home
     * @return the folders searched, in order
     */
    public static List<Path> searchDirs(String dataset, List<Path> extraDirs) {
        Set<Path> dirs = new LinkedHashSet<>();
        Path home = DataHome.dir();
        dirs.add(home.resolve(dataset));
        dirs.add(home);
        for (Path p : extraDirs) {
            dirs.add(p.toAbsolutePath());
        }
        return new ArrayList<>(dirs);
    }

    /**
     * Finds (or downloads) every file of a data set.
     *
     * @param dataset the data set's folder name, e.g. {@code mnist}
     * @param files the files it needs
     * @param extraDirs further folders to search after the data home
     * @return the path of each file, in the order of {@code files}; a path may name the
     *     decompressed form of a {@code .gz} file
     * @throws DataException if a file is missing and cannot be downloaded, or a file found has the
     *     wrong checksum
     */
    public List<Path> locate(String dataset, List<RemoteFile> files, List<Path> extraDirs) {
        List<Path> dirs = searchDirs(dataset, extraDirs);
        Path downloadDir = DataHome.dir().resolve(dataset);
        List<Path> found = new ArrayList<>();
        List<RemoteFile> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (RemoteFile f : files) {
            Path p = find(dataset, f, dirs, DataHome.dir(), skipped);
            found.add(p);
            if (p == null) {
                missing.add(f);
            }
        }
        if (missing.isEmpty()) {
            return found;
        }
        if (downloader.offline()) {
            throw new DataException(missingMessage(dataset, missing, dirs, downloadDir, skipped,
                    "Offline mode is on (-Dnnzoo.offline=true or NNZOO_OFFLINE=1), so nothing was downloaded."));
        }
        for (int i = 0; i < files.size(); i++) {
            if (found.get(i) == null) {
                try {
                    found.set(i, downloader.download(files.get(i), downloadDir));
                } catch (DataException e) {
                    throw new DataException(missingMessage(dataset, missing, dirs, downloadDir, skipped,
                            "The download failed: " + e.getMessage()), e);
                }
            }
        }
        return found;
    }

    /**
     * Looks for one file in the folders; returns null if absent, throws if present but wrong.
     *
     * <p>Exception: the data home root is shared by data sets whose files have the same names
     * (MNIST and Fashion-MNIST), so a file there that does not match is skipped (and noted in
     * {@code skipped}) instead of being an error.
     */
    private static Path find(String dataset, RemoteFile f, List<Path> dirs, Path sharedRoot, List<String> skipped) {
        for (Path dir : dirs) {
            String[] names = f.rawName() == null ? new String[] {f.fileName()}
                    : new String[] {f.fileName(), f.rawName()};
            for (String name : names) {
                Path candidate = dir.resolve(name);
                if (!Files.isRegularFile(candidate)) {
                    continue;
                }
                try {
                    verify(dataset, f, candidate, !name.equals(f.fileName()));
                    return candidate;
                } catch (DataException e) {
                    if (!dir.equals(sharedRoot)) {
                        throw e;
                    }
                    skipped.add(candidate.toString());
                    break;
                }
            }
        }
        return null;
    }

    /**
     * Checks a file found on disk against the known hashes.
     *
     * <p>A compressed file is accepted if its own SHA-256 is known, or else if its decompressed
     * content has the known raw SHA-256 (a re-compressed copy). A decompressed file must have the
     * raw SHA-256; if that is not known, only its size is checked and {@link Idx} checks its
     * structure when it is read.
     */
    static void verify(String dataset, RemoteFile f, Path file, boolean isRaw) {
        try {
            if (!isRaw) {
                String actual = Checksums.sha256(file);
                if (actual.equals(f.sha256()) || f.otherSha256().contains(actual)) {
                    return;
                }
                if (f.rawSha256() != null && Checksums.isGzip(file)) {
                    String rawActual = sha256OfGunzipped(dataset, file);
                    if (rawActual.equals(f.rawSha256())) {
                        return;
                    }
                    throw badChecksum(dataset, file, f.sha256() + " (or decompressed " + f.rawSha256() + ")",
                            actual + " (decompressed " + rawActual + ")");
                }
                throw badChecksum(dataset, file, f.sha256(), actual);
            }
            if (f.rawSha256() != null) {
                String actual = Checksums.sha256(file);
                if (!actual.equals(f.rawSha256())) {
                    throw badChecksum(dataset, file, f.rawSha256(), actual);
                }
            } else if (f.rawSize() >= 0 && Files.size(file) != f.rawSize()) {
                throw new DataException("The " + dataset + " file " + file + " has " + Files.size(file)
                        + " bytes, expected " + f.rawSize() + ". Delete it so that it is downloaded again.");
            }
        } catch (IOException e) {
            throw new DataException("Cannot read the " + dataset + " file " + file + ": " + e, e);
        }
    }

    /** @throws DataException with the advice for a bad file if the gzip stream is truncated or corrupt */
    private static String sha256OfGunzipped(String dataset, Path file) throws IOException {
        try {
            return Checksums.sha256OfGunzipped(file);
        } catch (EOFException | ZipException e) {
            throw new DataException("The " + dataset + " file " + file + " is a damaged gzip file ("
                    + DataException.describe(e) + ").\n" + BAD_FILE_ADVICE, e);
        }
    }

    private static DataException badChecksum(String dataset, Path file, String expected, String actual) {
        return new DataException("The " + dataset + " file " + file + " has the wrong SHA-256 checksum:\n"
                + "  expected " + expected + "\n  actual   " + actual + "\n" + BAD_FILE_ADVICE);
    }

    private static String missingMessage(String dataset, List<RemoteFile> missing, List<Path> dirs,
                                         Path downloadDir, List<String> skipped, String why) {
        StringBuilder names = new StringBuilder();
        for (RemoteFile f : missing) {
            names.append(names.length() == 0 ? "" : ", ").append(f.fileName());
            if (f.rawName() != null) {
                names.append(" (or uncompressed ").append(f.rawName()).append(')');
            }
        }
        StringBuilder searched = new StringBuilder();
        for (Path d : dirs) {
            searched.append("\n  ").append(d);
        }
        if (!skipped.isEmpty()) {
            searched.append("\nSkipped, because their checksums are not those of ").append(dataset)
                    .append(" (another data set's files?): ").append(String.join(", ", skipped));
        }
        RemoteFile first = missing.get(0);
        return "The " + dataset + " data set is missing " + names + ".\nSearched:" + searched
                + "\n(data home " + DataHome.dir() + ", " + DataHome.howChosen() + ")\n" + why
                + "\nTo fix: set " + DataHome.ENV + " (or -D" + DataHome.PROPERTY + ") to a folder holding "
                + dataset + "/" + first.fileName() + " and the other files, or run once online (without "
                + "-Dnnzoo.offline=true / NNZOO_OFFLINE=1) so that they download to " + downloadDir + ".";
    }
}
