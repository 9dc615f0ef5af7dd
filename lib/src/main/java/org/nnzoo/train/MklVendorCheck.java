package org.nnzoo.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

import com.sun.jna.Function;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * oneMKL's CPU-vendor check in the loaded {@code libtorch_cpu.so}, and the patch that makes it answer "Intel" on an
 * AMD (or other non-Intel x86-64) CPU, so that oneMKL runs its AVX2/AVX-512 GEMM kernels there: about twice as fast
 * (see {@link NativeTuning} for the measurements).
 *
 * <p>The patch overwrites the first six bytes of the exported function {@code mkl_serv_intel_cpu_true} with
 * {@code mov eax, 1; ret}. It is written only over code this class knows: the SHA-256 of the function's first
 * {@link #LENGTH} bytes (the whole function) must be that of a verified build ({@link #ORIGINAL}); any other build of
 * libtorch is refused and left untouched. The bytes are read from the loaded library in memory (the same as in the
 * file: the code is position-independent), so the check costs microseconds, not a hash of a 446 MB file.
 *
 * <p>Verified builds (add a line after checking the disassembly of a new one: {@code objdump -d
 * --start-address=0x<address of the symbol> libtorch_cpu.so}, the function must read its cached answer and else
 * compare {@code cpuid}'s vendor string with "GenuineIntel"; then take the hashes {@code NativeTuningTest} prints):
 * DJL's {@code ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64} (libtorch 2.7.1, build 20250812, oneMKL 2024),
 * whose {@code libtorch_cpu.so} has SHA-256 {@code 8c4834a51853d0ee8cb7a8179709358bb3e8cb4c6a69994657486d46270a9d7d};
 * the function is at 0xb466e70, 98 bytes.
 */
final class MklVendorCheck {

    /** The exported function oneMKL asks whether the CPU is an Intel one. */
    static final String SYMBOL = "mkl_serv_intel_cpu_true";
    /** The bytes of the function that are hashed: the whole function in the verified build (its ELF symbol size). */
    static final int LENGTH = 98;
    /** What the patch writes over the function's start: {@code mov eax, 1; ret}. */
    static final byte[] PATCH = {(byte) 0xB8, 1, 0, 0, 0, (byte) 0xC3};

    /** SHA-256 of the first {@link #LENGTH} bytes of the function in each verified build, and the build. */
    static final Map<String, String> ORIGINAL = Map.of(
            "21d6ae0ab37fb616353d764d0bcfcac4bd078fdc2cc9962b78295a925745854f",
            "pytorch-native-cpu 2.7.1 linux-x86_64");
    /** SHA-256 of the same bytes after the patch (the patch already applied in this process), and the build. */
    static final Map<String, String> PATCHED = Map.of(
            "f0fa8e07b7ffcb1164fbe8dd92e48175c99ddfea0f74f17f26f410820ee2702c",
            "pytorch-native-cpu 2.7.1 linux-x86_64");

    /** What the function's bytes are. */
    enum Code {
        /** A verified build's function, as shipped: the patch may be written. */
        ORIGINAL,
        /** A verified build's function with the patch already written. */
        PATCHED,
        /** Anything else: not touched. */
        UNKNOWN
    }

    private MklVendorCheck() {
    }

    /** @return what {@code code}, the first {@link #LENGTH} bytes of the function, is */
    static Code identify(byte[] code) {
        if (code.length != LENGTH) {
            return Code.UNKNOWN;
        }
        String hash = sha256(code);
        return ORIGINAL.containsKey(hash) ? Code.ORIGINAL : PATCHED.containsKey(hash) ? Code.PATCHED : Code.UNKNOWN;
    }

    /** @return the lower-case hex SHA-256 of {@code bytes} */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * Applies the patch in this process if it applies here: Linux x86-64, a non-Intel CPU (or {@code force}), oneMKL in
     * the loaded libtorch, and verified bytes.
     *
     * @param force patch even on an Intel CPU (where oneMKL already says yes, so nothing changes but the code): the
     *              setting {@code nnzoo.mkl.vendorFix=force}, for testing the whole path on an Intel machine
     */
    static NativeTuning.Outcome applyHere(boolean force) throws IOException {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return NativeTuning.Outcome.unchanged("not needed (" + os + " " + arch + ")");
        }
        String vendor = cpuVendor();
        if (!force && (vendor == null || vendor.equals("GenuineIntel"))) {
            return NativeTuning.Outcome.unchanged("not needed (CPU vendor " + vendor + ")");
        }
        String torch = NativeTuning.loadedLibrary("libtorch_cpu.so");
        if (torch == null) {
            return NativeTuning.Outcome.failed("oneMKL vendor check", "libtorch_cpu.so is not loaded yet");
        }
        Function check;
        try {
            check = NativeLibrary.getInstance(torch).getFunction(SYMBOL);
        } catch (UnsatisfiedLinkError e) {
            return NativeTuning.Outcome.unchanged("not needed (no oneMKL in " + torch + ")");
        }
        if (!readable(Pointer.nativeValue(check), LENGTH)) {
            return NativeTuning.Outcome.announced("refused: " + SYMBOL + " lies too close to the end of its mapping to be"
                    + " checked; not patched", "oneMKL vendor check NOT patched (unknown libtorch build)");
        }
        Code code = identify(check.getByteArray(0, LENGTH));
        if (code == Code.ORIGINAL && !force && check.invokeInt(new Object[0]) != 0) {
            return NativeTuning.Outcome.unchanged("not needed (oneMKL already takes this CPU for an Intel one)");
        }
        return patch(check, vendor + (force ? ", forced" : ""));
    }

    /**
     * Writes the patch over the function at {@code function} if its bytes are a verified build's (see {@link #identify});
     * it never calls the function before the patch is written (a copy of its code elsewhere would read its cached answer
     * from the wrong address), and calls it once after, to check it answers 1.
     *
     * @param function the function's first byte; {@link #LENGTH} bytes from there must be readable
     * @param vendor   the CPU vendor, for the message
     */
    static NativeTuning.Outcome patch(Pointer function, String vendor) {
        byte[] code = function.getByteArray(0, LENGTH);
        switch (identify(code)) {
            case PATCHED -> {
                return NativeTuning.Outcome.unchanged("oneMKL vendor check patched (" + vendor + "), earlier in this process");
            }
            case UNKNOWN -> {
                return NativeTuning.Outcome.announced("refused: unknown build of oneMKL's " + SYMBOL + " (sha256 of its first "
                        + LENGTH + " bytes " + sha256(code) + "); not patched, GEMMs take oneMKL's generic code path",
                        "oneMKL vendor check NOT patched: unknown libtorch build, so GEMMs run oneMKL's slower generic"
                                + " path (this CPU: " + vendor + ")");
            }
            default -> {
                // ORIGINAL: the patch below
            }
        }
        NativeTuning.LibC libc = NativeTuning.libc();
        long page = libc.getpagesize();
        long address = Pointer.nativeValue(function);
        Pointer start = new Pointer(address & -page);
        long length = (address + PATCH.length - (address & -page) + page - 1) / page * page;
        final int read = 1;
        final int write = 2;
        final int exec = 4;
        if (libc.mprotect(start, length, read | write | exec) != 0) {
            return NativeTuning.Outcome.failed("oneMKL vendor check", "mprotect refused (errno " + Native.getLastError() + ")");
        }
        function.write(0, PATCH, 0, PATCH.length);
        libc.mprotect(start, length, read | exec);
        int now = Function.getFunction(function).invokeInt(new Object[0]);
        if (now != 1) {
            return NativeTuning.Outcome.failed("oneMKL vendor check", "it still returns " + now + " after the patch");
        }
        return NativeTuning.Outcome.announced("oneMKL vendor check patched (" + vendor + ")",
                "oneMKL's CPU-vendor check " + SYMBOL + " patched to answer Intel (this CPU: " + vendor
                        + "), for oneMKL's fast GEMM kernels (off: NNZOO_MKL_VENDOR_FIX=0)");
    }

    /** @return whether {@code [address, address + length)} lies in one readable mapping of this process */
    static boolean readable(long address, long length) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split(" ", 3);
            String[] range = f[0].split("-");
            long from = Long.parseUnsignedLong(range[0], 16);
            long to = Long.parseUnsignedLong(range[1], 16);
            if (Long.compareUnsigned(from, address) <= 0 && Long.compareUnsigned(address + length, to) <= 0) {
                return f[1].charAt(0) == 'r';
            }
        }
        return false;
    }

    static String cpuVendor() throws IOException {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return null;
        }
        for (String line : Files.readAllLines(info)) {
            if (line.startsWith("vendor_id")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }
}
