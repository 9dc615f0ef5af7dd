package org.nnzoo.notebook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.google.gson.JsonObject;

/**
 * Records a notebook's headline numbers (test accuracy, training seconds, ...) for the results report.
 *
 * <p>Contract with the headless runner ({@code environment/execute_notebooks.py}): the runner sets the
 * environment variable {@value #METRICS_FILE_ENV} to a file path before it starts the kernel for one
 * notebook; every {@link #record} appends one JSON object per line, {@code {"name": ..., "value": ...}},
 * to that file; the runner collects them into {@code results.json}. Run interactively (variable unset),
 * the values are kept in memory and printed only. The system property {@code nnzoo.metrics.file}, when
 * set, takes precedence over the variable.
 */
public final class Results {

    /** Environment variable naming the JSON-lines file that receives the metrics. */
    public static final String METRICS_FILE_ENV = "NNZOO_METRICS_FILE";

    private static final Map<String, Double> RECORDED = Collections.synchronizedMap(new LinkedHashMap<>());

    private Results() {
    }

    /**
     * Records one metric.
     *
     * @param name  metric name, e.g. {@code test_accuracy}; letters, digits, '_', '.', '-' only
     * @param value a finite number
     * @throws IllegalArgumentException on a bad name or a non-finite value
     */
    public static void record(String name, double value) {
        if (name == null || !name.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("metric name '" + name
                    + "' is invalid: use letters, digits, '_', '.' or '-' (e.g. test_accuracy)");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("metric '" + name + "' is " + value + ": only finite numbers can be recorded");
        }
        RECORDED.put(name, value);
        String file = System.getProperty("nnzoo.metrics.file", System.getenv(METRICS_FILE_ENV));
        if (file != null && !file.isBlank()) {
            JsonObject line = new JsonObject();
            line.addProperty("name", name);
            line.addProperty("value", value);
            try {
                Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append metric '" + name + "' to " + file
                        + " (set by " + METRICS_FILE_ENV + "): " + e.getMessage(), e);
            }
        }
        System.out.printf("[result] %s = %s%n", name, value);
    }

    /** @return the metrics recorded in this JVM so far, in recording order (a copy) */
    public static Map<String, Double> recorded() {
        synchronized (RECORDED) {
            return new LinkedHashMap<>(RECORDED);
        }
    }
}
