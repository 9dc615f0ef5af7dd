package org.nnzoo.data;

import java.io.PrintStream;
import java.util.Locale;

/** Prints one line, rewritten with {@code \r} at most every 200 ms, then a newline when done. */
final class LineProgress implements Downloader.Progress {
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
