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
import java.util.Optional;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.nnzoo.train.Reproducible;

/**
 * Records a notebook's headline numbers (test accuracy, training seconds, ...) for the results report.
 *
 * <p>Contract with the headless runner ({@code environment/execute_notebooks.py}): the runner sets the
 * environment variable {@value #METRICS_FILE_ENV} to a file path before it starts the kernel for one
 * notebook; every {@link #record} appends one JSON object per line, {@code {"name": ..., "value": ...}},
 * to that file; the runner collects them into {@code results.json}. Run interactively (variable unset),
 * the values are kept in memory and printed only. The system property {@code nnzoo.metrics.file}, when
 * set, takes precedence over the variable. Next to that file it keeps {@code <name>.machine.json}: the machine and
 * the code paths the numbers were computed with ({@link Reproducible#describe()}).
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
                writeMachine(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append metric '" + name + "' to " + file
                        + " (set by " + METRICS_FILE_ENV + "): " + e.getMessage(), e);
            }
        }
        System.out.printf("[result] %s = %s%n", name, value);
    }

    /**
     * Writes what the numbers depend on ({@link Reproducible#describe()}: CPU, ISA in use, threads, reproducible mode,
     * versions) next to the metrics file, as {@code <name>.machine.json}; the runner puts it into {@code results.json}.
     * Rewritten at every {@link #record}, so it includes the PyTorch engine's part once the engine has started.
     */
    private static void writeMachine(Path metricsFile) throws IOException {
        String name = metricsFile.getFileName().toString().replaceFirst("\\.jsonl$", "");
        com.google.gson.Gson gson = new com.google.gson.GsonBuilder().setPrettyPrinting().create();
        Path target = metricsFile.resolveSibling(name + ".machine.json");
        Path tmp = metricsFile.resolveSibling(name + ".machine.json.tmp");
        Files.writeString(tmp, gson.toJson(Reproducible.describe()) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** @return the metrics recorded in this JVM so far, in recording order (a copy) */
    public static Map<String, Double> recorded() {
        synchronized (RECORDED) {
            return new LinkedHashMap<>(RECORDED);
        }
    }

    /**
     * The metrics another notebook recorded, with where they came from (for a chapter that compares itself with an
     * earlier one, e.g. chapter 17 with chapter 14's DQN, without copying its numbers).
     *
     * @param source  "this headless run" or "the last full run of the notebooks in this checkout (..., smoke profile)"
     * @param metrics name to value, in recording order
     */
    public record Recorded(String source, Map<String, Double> metrics) {
    }

    /**
     * @param notebook a notebook's name without {@code .ipynb}, e.g. {@code 14-dqn-cartpole}
     * @return its metrics from the headless run this kernel belongs to (the runner's per-notebook file next to
     *     {@value #METRICS_FILE_ENV}), else from the last main job's {@code results.json} in {@code mainJobDir}
     *     (where {@code environment/run.sh} writes it); empty when neither has the notebook or its run failed
     */
    public static Optional<Recorded> ofNotebook(String notebook, Path mainJobDir) {
        String file = System.getProperty("nnzoo.metrics.file", System.getenv(METRICS_FILE_ENV));
        try {
            if (file != null && !file.isBlank()) {
                Path sibling = Path.of(file).resolveSibling(notebook + ".jsonl");
                if (Files.isRegularFile(sibling)) {
                    Map<String, Double> m = new LinkedHashMap<>();
                    for (String line : Files.readAllLines(sibling, StandardCharsets.UTF_8)) {
                        if (!line.isBlank()) {
                            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
                            m.put(o.get("name").getAsString(), o.get("value").getAsDouble());
                        }
                    }
                    if (!m.isEmpty()) {
                        return Optional.of(new Recorded("this headless run", m));
                    }
                }
            }
            Path results = mainJobDir.resolve("results.json");
            if (Files.isRegularFile(results)) {
                for (JsonElement e : JsonParser.parseString(Files.readString(results)).getAsJsonArray()) {
                    JsonObject entry = e.getAsJsonObject();
                    if (notebook.equals(entry.get("notebook").getAsString()) && "ok".equals(entry.get("status").getAsString())) {
                        Map<String, Double> m = new LinkedHashMap<>();
                        entry.getAsJsonObject("metrics").entrySet().forEach(kv -> m.put(kv.getKey(), kv.getValue().getAsDouble()));
                        return Optional.of(new Recorded("the last full run of the notebooks in this checkout (" + results.toAbsolutePath().normalize()
                                + ", " + entry.get("profile").getAsString() + " profile, " + Files.getLastModifiedTime(results)
                                + ")", m));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the metrics of " + notebook + " (" + (file != null ? file + ", " : "")
                    + mainJobDir.resolve("results.json") + "): " + e + "; delete the file or run the notebook again", e);
        }
        return Optional.empty();
    }
}
