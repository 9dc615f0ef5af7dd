package org.nnzoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's memory as the memory tests read it (Linux {@code /proc/self/status}). */
public final class ResidentMemory {

    private ResidentMemory() {
    }

    /** @return VmRSS, the process's resident memory, in KiB */
    public static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** glibc's malloc_trim, to measure what native memory is in use rather than what malloc keeps for reuse. */
    interface Libc extends com.sun.jna.Library {
        int malloc_trim(long pad);
    }

    /**
     * @return resident memory less the Java heap's committed size (the heap grows and shrinks on its own), after a
     *     GC and, on glibc, after freed native memory is given back: the native memory in use, in KiB
     */
    public static long settledNativeKb() throws IOException {
        System.gc();
        try {
            com.sun.jna.Native.load("c", Libc.class).malloc_trim(0);
        } catch (UnsatisfiedLinkError e) {
            // not glibc: RSS as it is
        }
        return rssKb() - Runtime.getRuntime().totalMemory() / 1024;
    }
}
