package org.nnzoo.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
