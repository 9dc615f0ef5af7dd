package org.nnzoo.exercises;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.LocalExecutionControlProvider;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nnzoo.notebook.Exercise;

/**
 * Keeps the chapters' exercises from rotting. For every chapter with an "## Exercises" section:
 * <ul>
 *   <li>each solution {@code solutions/<notebook>/<id>.jsh}, run in JShell with the kernel's imports
 *       (as a student's cell runs), passes its check;</li>
 *   <li>each skeleton cell of the notebook compiles and runs on its own and reports "not attempted" (so the
 *       notebook runs to the end, and a skeleton cannot pass by accident);</li>
 *   <li>the notebook's checked exercises, the solutions and the registered checks are the same set, and every
 *       exercise the notebook names has an answer in {@code solutions/<notebook>/README.md}.</li>
 * </ul>
 * {@link #everyChapterHasExercises} fails while a chapter has none.
 */
class SolutionsTest {

    private static final Pattern CHECK = Pattern.compile("Exercise\\.check\\(\"(\\d+\\.\\d+)\"");
    private static final Pattern NAMED = Pattern.compile("\\*\\*Exercise (\\d+\\.\\d+)\\*\\*");
    private static final Pattern ANSWER = Pattern.compile("(?m)^## Exercise (\\d+\\.\\d+)\\b");

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("notebooks"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no notebooks/ folder above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    static List<Path> notebooks() throws IOException {
        try (Stream<Path> s = Files.list(root().resolve("notebooks"))) {
            return s.filter(f -> f.getFileName().toString().matches("\\d\\d-.*\\.ipynb")).sorted().collect(Collectors.toList());
        }
    }

    /** @return the notebook's cells as (type, source) pairs */
    static List<String[]> cells(Path notebook) throws IOException {
        List<String[]> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(notebook, StandardCharsets.UTF_8)) {
            JsonArray cells = JsonParser.parseReader(r).getAsJsonObject().getAsJsonArray("cells");
            for (JsonElement e : cells) {
                JsonObject c = e.getAsJsonObject();
                JsonElement src = c.get("source");
                String text;
                if (src.isJsonArray()) {
                    StringBuilder sb = new StringBuilder();
                    src.getAsJsonArray().forEach(x -> sb.append(x.getAsString()));
                    text = sb.toString();
                } else {
                    text = src.getAsString();
                }
                out.add(new String[] {c.get("cell_type").getAsString(), text});
            }
        }
        return out;
    }

    static boolean hasExercises(List<String[]> cells) {
        return cells.stream().anyMatch(c -> c[0].equals("markdown") && c[1].startsWith("## Exercises"));
    }

    static String stem(Path notebook) {
        String n = notebook.getFileName().toString();
        return n.substring(0, n.length() - ".ipynb".length());
    }

    static int chapter(Path notebook) {
        return Integer.parseInt(notebook.getFileName().toString().substring(0, 2));
    }

    @Test
    void everyChapterHasExercises() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Path nb : notebooks()) {
            if (!hasExercises(cells(nb))) {
                missing.add(stem(nb));
            }
        }
        assertEquals(List.of(), missing, "chapters without an \"## Exercises\" section");
    }

    @TestFactory
    Stream<DynamicTest> exercisesOfEachChapter() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path nb : notebooks()) {
            List<String[]> cells = cells(nb);
            if (!hasExercises(cells)) {
                continue;
            }
            String stem = stem(nb);
            Path dir = root().resolve("solutions").resolve(stem);
            tests.add(DynamicTest.dynamicTest(stem + ": exercises, checks, solutions and answers agree", () -> agree(nb, cells, dir)));
            for (String[] c : cells) {
                Matcher m = CHECK.matcher(c[1]);
                if (c[0].equals("code") && m.find()) {
                    String id = m.group(1);
                    tests.add(DynamicTest.dynamicTest(stem + ": skeleton of " + id + " runs and is not attempted",
                            () -> skeletonIsNotAttempted(id, c[1])));
                }
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path sol : s.filter(f -> f.toString().endsWith(".jsh")).sorted().collect(Collectors.toList())) {
                    String id = sol.getFileName().toString().replace(".jsh", "");
                    tests.add(DynamicTest.dynamicTest(stem + ": solution " + id + " passes its check", () -> solutionPasses(id, sol)));
                }
            } catch (IOException e) {
                tests.add(DynamicTest.dynamicTest(stem + ": solutions folder", () -> fail("no folder " + dir + ": " + e)));
            }
        }
        return tests.stream();
    }

    private static void agree(Path nb, List<String[]> cells, Path dir) throws IOException {
        int chapter = chapter(nb);
        TreeSet<String> checked = new TreeSet<>();
        TreeSet<String> named = new TreeSet<>();
        for (String[] c : cells) {
            Matcher m = CHECK.matcher(c[1]);
            while (c[0].equals("code") && m.find()) {
                checked.add(m.group(1));
            }
            Matcher n = NAMED.matcher(c[1]);
            while (c[0].equals("markdown") && n.find()) {
                named.add(n.group(1));
            }
        }
        assertFalse(checked.isEmpty(), nb + ": no exercise with a check cell (Exercise.check(\"" + chapter + ".1\", ...))");
        assertTrue(named.size() >= 2 && named.size() <= 4, nb + ": 2-4 exercises expected, found " + named);
        for (String id : named) {
            assertTrue(id.startsWith(chapter + "."), nb + ": exercise " + id + " is not numbered in chapter " + chapter);
        }
        assertTrue(named.containsAll(checked), nb + ": checked " + checked + " but the text names only " + named);
        assertEquals(checked, new TreeSet<>(Exercise.ids(chapter)), nb + ": check cells vs Chapter" + String.format("%02d", chapter) + "'s checks");
        TreeSet<String> solutions = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".jsh")).forEach(f -> solutions.add(f.replace(".jsh", "")));
        }
        assertEquals(checked, solutions, dir + ": one <id>.jsh per checked exercise");
        Path readme = dir.resolve("README.md");
        assertTrue(Files.exists(readme), readme + " is missing (the answers to the exercises)");
        TreeSet<String> answered = new TreeSet<>();
        Matcher a = ANSWER.matcher(Files.readString(readme));
        while (a.find()) {
            answered.add(a.group(1));
        }
        assertEquals(named, answered, readme + ": one \"## Exercise N.M\" section per exercise of the notebook");
    }

    private static void solutionPasses(String id, Path solution) throws IOException {
        String out = eval(Files.readString(solution), solution.toString());
        String passed = value("org.nnzoo.notebook.Exercise.last(\"" + id + "\") == null ? \"no check ran\" : "
                + "org.nnzoo.notebook.Exercise.last(\"" + id + "\").passed() + \"\\n\" + org.nnzoo.notebook.Exercise.last(\"" + id + "\")");
        assertTrue(passed.startsWith("\"true"), solution + " does not pass its check:\n" + passed.replace("\\n", "\n") + "\n" + out);
    }

    private static void skeletonIsNotAttempted(String id, String cell) {
        String out = eval(cell, "skeleton of " + id);
        String state = value("org.nnzoo.notebook.Exercise.last(\"" + id + "\") == null ? \"no check ran\" : "
                + "org.nnzoo.notebook.Exercise.last(\"" + id + "\").attempted() + \"\\n\" + org.nnzoo.notebook.Exercise.last(\"" + id + "\")");
        assertTrue(state.startsWith("\"false"), "the skeleton of " + id + " should report \"not attempted\":\n"
                + state.replace("\\n", "\n") + "\n" + out);
    }

    private static JShell shell;

    @AfterAll
    static void closeShell() {
        if (shell != null) {
            shell.close();
            shell = null;
        }
    }

    /** Evaluates a cell in a fresh JShell with the kernel's imports; fails on a compile error or exception. */
    private static String eval(String source, String name) {
        if (shell != null) {
            shell.close();
        }
        shell = JShell.builder().executionEngine(new LocalExecutionControlProvider(), Map.of()).build();
        shell.addToClasspath(System.getProperty("java.class.path"));
        StringBuilder log = new StringBuilder();
        try {
            for (String line : Files.readAllLines(root().resolve("environment/kernel-init.jshell"))) {
                if (line.startsWith("import ")) {
                    run(line, "kernel-init.jshell", log);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        run(source, name, log);
        return log.toString();
    }

    private static void run(String source, String name, StringBuilder log) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String rest = source;
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(rest);
            String snippet = info.source() == null ? rest : info.source();
            for (SnippetEvent e : shell.eval(snippet)) {
                if (e.exception() != null) {
                    fail(name + " threw " + e.exception() + " in:\n" + snippet);
                }
                if (e.status() == Snippet.Status.REJECTED) {
                    String diags = shell.diagnostics(e.snippet()).map(d -> d.getMessage(null)).collect(Collectors.joining("\n"));
                    fail(name + " does not compile:\n" + diags + "\nin:\n" + snippet);
                }
                log.append(e.value() == null ? "" : e.value() + "\n");
            }
            rest = info.remaining() == null ? "" : info.remaining();
            if (info.source() == null) {
                break;
            }
        }
    }

    private static String value(String expression) {
        for (SnippetEvent e : shell.eval(expression)) {
            if (e.value() != null) {
                return e.value();
            }
        }
        return "(no value)";
    }
}
