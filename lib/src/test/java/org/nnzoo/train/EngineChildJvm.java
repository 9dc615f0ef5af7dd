package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a {@code main} of the tests in a fresh JVM on the test class path, for what must happen before libtorch loads
 * (the native tunings, the reproducible mode) and so cannot be tested in the test JVM, whose engine has started.
 */
final class EngineChildJvm {

    /** The variables that decide the reproducible mode and the native libraries' code paths: never inherited. */
    private static final List<String> CONTROLLED = List.of("NNZOO_REPRODUCIBLE", "MKL_CBWR", "ATEN_CPU_CAPABILITY",
            "MKL_ENABLE_INSTRUCTIONS", "ONEDNN_MAX_CPU_ISA", "NNZOO_LSTM_KERNEL");

    private EngineChildJvm() {
    }

    /**
     * Runs {@code main} with these environment variables (none of {@link #CONTROLLED} from this JVM's environment),
     * these JVM options and DJL offline; fails the test when it exits with another status than 0.
     *
     * @return its standard output (its standard error is discarded)
     */
    static String run(Map<String, String> env, List<String> jvmOptions, Class<?> main) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "-Dai.djl.offline=true"));
        command.addAll(jvmOptions);
        command.add(main.getName());
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
        for (String v : CONTROLLED) {
            pb.environment().remove(v);
        }
        pb.environment().putAll(env);
        Process child = pb.start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        return out;
    }
}
