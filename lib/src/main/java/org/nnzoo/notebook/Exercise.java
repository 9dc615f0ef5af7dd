package org.nnzoo.notebook;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exercises at the end of each chapter. A chapter's "implement it" exercise gives a skeleton cell, e.g.
 * <pre>
 * Chapter03.Conv myConv = (x, w, b, stride, padding) -&gt; {
 *     throw Exercise.todo();   // your code here
 * };
 * Exercise.check("3.1", myConv);
 * </pre>
 * and {@link #check} runs the answer against the library's reference on fixed random cases, printing
 * one line per case and, for a wrong answer, what is wrong (which case, which element, how far off, and a
 * hint for the usual mistakes), never just "false".
 *
 * <p>The checks live in {@code org.nnzoo.exercises.ChapterNN} (NN = the chapter, two digits), one static
 * method per exercise annotated {@link Checks} with the exercise's id, taking the answer's type and
 * returning a {@link Report}. The solutions are in the repository's {@code solutions/} folder, and the
 * test command runs each through its check ({@code SolutionsTest}).
 */
public final class Exercise {

    /** Marks a static method of {@code org.nnzoo.exercises.ChapterNN} as the check of one exercise. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Checks {
        /** @return the exercise's id, e.g. {@code "3.1"} */
        String value();
    }

    /** Thrown by a skeleton's {@code throw Exercise.todo();}: the exercise is not attempted yet. */
    public static final class NotDone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotDone() {
            super("replace `throw Exercise.todo();` with your code");
        }
    }

    private static final Map<String, Report> LAST = new ConcurrentHashMap<>();

    private Exercise() {
    }

    /** @return the exception a skeleton throws where the student's code goes */
    public static NotDone todo() {
        return new NotDone();
    }

    /**
     * Checks an answer and prints the report (one line per case; for a failed case, what is wrong).
     * Never throws for a wrong or unfinished answer, so a notebook runs to the end with its skeletons.
     *
     * @param id     the exercise, e.g. {@code "3.1"}
     * @param answer the student's implementation, of the type the exercise's skeleton declares
     */
    public static void check(String id, Object answer) {
        Report report = run(id, answer);
        LAST.put(id, report);
        System.out.print(report);
    }

    /** @return the report of the last {@link #check} of {@code id} in this JVM, or null if none ran */
    public static Report last(String id) {
        return LAST.get(id);
    }

    /**
     * Runs the check of {@code id} on {@code answer} without printing.
     *
     * @throws IllegalArgumentException if no exercise has that id
     */
    public static Report run(String id, Object answer) {
        Method method = find(id);
        Class<?> expected = method.getParameterTypes()[0];
        if (answer == null) {
            return Report.notAttempted(id, "the answer is null: assign your implementation first");
        }
        if (!expected.isInstance(answer)) {
            return new Report(id).fail("exercise " + id + " expects a " + expected.getName().replace('$', '.')
                    + ", but got a " + answer.getClass().getName() + ": declare your answer with the type the skeleton uses");
        }
        try {
            return (Report) method.invoke(null, answer);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof NotDone) {
                return Report.notAttempted(id, cause.getMessage());
            }
            return new Report(id).fail("your code threw " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + where(cause));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("the check of exercise " + id + " is not public: " + method, e);
        }
    }

    /** @return the ids of a chapter's exercises, in the order of their check methods' names */
    public static List<String> ids(int chapter) {
        List<String> ids = new ArrayList<>();
        Class<?> cls = chapterClass(chapter);
        if (cls != null) {
            for (Method m : cls.getMethods()) {
                Checks c = m.getAnnotation(Checks.class);
                if (c != null) {
                    ids.add(c.value());
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    private static Method find(String id) {
        if (id == null || !id.matches("[1-9][0-9]?\\.[1-9][0-9]?")) {
            throw new IllegalArgumentException("exercise ids look like \"3.1\" (chapter.number); got " + id);
        }
        int chapter = Integer.parseInt(id.substring(0, id.indexOf('.')));
        Class<?> cls = chapterClass(chapter);
        if (cls != null) {
            for (Method m : cls.getMethods()) {
                Checks c = m.getAnnotation(Checks.class);
                if (c != null && c.value().equals(id)) {
                    if (m.getParameterCount() != 1 || m.getReturnType() != Report.class
                            || !java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                        throw new IllegalStateException("the check of " + id + " must be `public static Report name(Answer a)`: " + m);
                    }
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("there is no exercise " + id + " (chapter " + chapter + " has "
                + ids(chapter) + ")");
    }

    private static Class<?> chapterClass(int chapter) {
        try {
            return Class.forName(String.format("org.nnzoo.exercises.Chapter%02d", chapter));
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String where(Throwable t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("REPL.")) {  // JShell's classes for the cells (package REPL)
                return " (at line " + e.getLineNumber() + " of your cell)";
            }
        }
        return "";
    }

    /**
     * What a check found: one line per case, passed or not, and for a failed case what is wrong. Build it
     * with {@link #compare}, {@link #expect} and {@link #hint}; {@link #toString} is what {@link #check} prints.
     */
    public static final class Report {
        private final String id;
        private final List<String> lines = new ArrayList<>();
        private boolean attempted = true;
        private boolean failed;
        private int cases;

        public Report(String id) {
            this.id = id;
        }

        static Report notAttempted(String id, String why) {
            Report r = new Report(id);
            r.attempted = false;
            r.lines.add("  " + why);
            return r;
        }

        /** @return true when every case passed (and there was at least one) */
        public boolean passed() {
            return attempted && !failed && cases > 0;
        }

        /** @return false while the skeleton still throws {@link #todo()} */
        public boolean attempted() {
            return attempted;
        }

        /** @return the lines of the report */
        public List<String> lines() {
            return List.copyOf(lines);
        }

        /** Records a passed case. */
        public Report pass(String what) {
            cases++;
            lines.add("  ✓ " + what);
            return this;
        }

        /** Records a failed case with what is wrong. */
        public Report fail(String what) {
            cases++;
            failed = true;
            lines.add("  ✗ " + what);
            return this;
        }

        /** Records a case that passes when {@code ok}; {@code whyNot} says what is wrong otherwise. */
        public Report expect(boolean ok, String what, String whyNot) {
            return ok ? pass(what) : fail(what + ": " + whyNot);
        }

        /** Adds a hint line (no case) when {@code when} holds: the likely cause of a failure. */
        public Report hint(boolean when, String hint) {
            if (when) {
                lines.add("    hint: " + hint);
            }
            return this;
        }

        /**
         * Compares an answer's values with the reference's: the same count, and every value within
         * {@code tol} of the reference (absolute, scaled by max(1, |reference|)). A failure names the count
         * or the first element that is off, and the largest difference.
         *
         * @return true when the case passed
         */
        public boolean compare(String what, double[] got, double[] expected, double tol) {
            if (got == null) {
                fail(what + ": your code returned null");
                return false;
            }
            if (got.length != expected.length) {
                fail(what + ": " + got.length + " values, expected " + expected.length);
                return false;
            }
            int first = -1;
            double worst = 0;
            for (int i = 0; i < got.length; i++) {
                double err = Math.abs(got[i] - expected[i]) / Math.max(1, Math.abs(expected[i]));
                if (!(err <= tol)) {
                    if (first < 0) {
                        first = i;
                    }
                    worst = Double.isNaN(err) ? Double.NaN : Math.max(worst, err);
                }
            }
            if (first < 0) {
                pass(what);
                return true;
            }
            fail(String.format("%s: element [%d] is %s, expected %s (largest difference %.3g, tolerance %.0e)",
                    what, first, fmt(got[first]), fmt(expected[first]), worst, tol));
            return false;
        }

        /** {@link #compare(String, double[], double[], double)} for float arrays. */
        public boolean compare(String what, float[] got, float[] expected, double tol) {
            return compare(what, got == null ? null : toDouble(got), toDouble(expected), tol);
        }

        private static double[] toDouble(float[] a) {
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                d[i] = a[i];
            }
            return d;
        }

        private static String fmt(double v) {
            return String.format("%.6g", v);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            if (!attempted) {
                sb.append("Exercise ").append(id).append(": not attempted yet\n");
            } else if (passed()) {
                sb.append("Exercise ").append(id).append(": correct (").append(cases).append(cases == 1 ? " case)\n" : " cases)\n");
            } else {
                long bad = lines.stream().filter(l -> l.startsWith("  ✗")).count();
                sb.append("Exercise ").append(id).append(": not yet right (").append(bad).append(" of ").append(cases)
                        .append(cases == 1 ? " case failed)\n" : " cases failed)\n");
            }
            for (String l : lines) {
                sb.append(l).append('\n');
            }
            return sb.toString();
        }
    }
}
