package org.nnzoo.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsTest {

    @Test
    void appendsJsonLines(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.jsonl");
        System.setProperty("nnzoo.metrics.file", f.toString());
        try {
            Results.record("test_accuracy", 0.981);
            Results.record("seconds", 12);
        } finally {
            System.clearProperty("nnzoo.metrics.file");
        }
        List<String> lines = Files.readAllLines(f);
        assertEquals(List.of("{\"name\":\"test_accuracy\",\"value\":0.981}", "{\"name\":\"seconds\",\"value\":12.0}"), lines);
        assertEquals(0.981, Results.recorded().get("test_accuracy"));
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Results.record("has space", 1));
        assertThrows(IllegalArgumentException.class, () -> Results.record("nan", Double.NaN));
    }

    @Test
    void readsAnotherNotebooksMetricsFromThisRunThenFromTheLastMainJob(@TempDir Path dir) throws Exception {
        Path mainJob = dir.resolve("main-job");
        Files.createDirectories(mainJob);
        assertTrue(Results.ofNotebook("14-dqn-cartpole", mainJob).isEmpty());
        Files.writeString(mainJob.resolve("results.json"), "[{\"notebook\":\"14-dqn-cartpole\",\"profile\":\"default\","
                + "\"status\":\"ok\",\"seconds\":9,\"metrics\":{\"dqn_env_steps\":60000.0}},"
                + "{\"notebook\":\"13-gcn\",\"profile\":\"default\",\"status\":\"failed\",\"seconds\":1,\"metrics\":{}}]");
        Results.Recorded last = Results.ofNotebook("14-dqn-cartpole", mainJob).orElseThrow();
        assertEquals(60000.0, last.metrics().get("dqn_env_steps"));
        assertTrue(last.source().contains("default profile"), last.source());
        assertTrue(Results.ofNotebook("13-gcn", mainJob).isEmpty(), "a failed run's metrics are not used");

        Path run = dir.resolve("run/metrics");
        Files.createDirectories(run);
        Files.writeString(run.resolve("14-dqn-cartpole.jsonl"), "{\"name\":\"dqn_env_steps\",\"value\":1000.0}\n");
        System.setProperty("nnzoo.metrics.file", run.resolve("17-developmental-networks.jsonl").toString());
        try {
            Results.Recorded now = Results.ofNotebook("14-dqn-cartpole", mainJob).orElseThrow();
            assertEquals(1000.0, now.metrics().get("dqn_env_steps"), "this run's file comes first");
            assertEquals("this headless run", now.source());
            Files.writeString(mainJob.resolve("results.json"), "[{\"notebook\"");
            System.clearProperty("nnzoo.metrics.file");
            IllegalStateException bad = assertThrows(IllegalStateException.class, () -> Results.ofNotebook("14-dqn-cartpole", mainJob));
            assertTrue(bad.getMessage().contains("results.json"), bad.getMessage());
        } finally {
            System.clearProperty("nnzoo.metrics.file");
        }
    }
}
