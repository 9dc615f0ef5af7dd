package org.nnzoo.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints, at the end of a test run, how many {@link RealData} tests did not run and why, so that a
 * run without the data sets cannot pass for a full one; also writes it to {@value #REPORT} (relative
 * to the test JVM's folder, {@code lib/}), which {@code environment/test.sh} repeats in its last lines.
 * Registered with the JUnit Platform through
 * {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener}.
 */
public final class RealDataSummary implements TestExecutionListener {

    private static final TestTag TAG = TestTag.create(RealData.TAG);
    static final String REPORT = "target/real-data-skipped.txt";

    private TestPlan plan;
    /** reason -> number of real-data tests (methods) not run for it */
    private final Map<String, Integer> notRun = new TreeMap<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        notRun.clear();
        try {
            Files.deleteIfExists(Path.of(REPORT));
        } catch (IOException e) {
            System.out.println("[nnzoo] WARNING: cannot delete " + Path.of(REPORT).toAbsolutePath() + ": " + e);
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.getTags().contains(TAG)) {
            notRun.merge(reason, testsUnder(id), Integer::sum);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED && id.getTags().contains(TAG)) {
            Optional<Throwable> why = result.getThrowable();
            notRun.merge(why.map(Throwable::getMessage).orElse("aborted"), testsUnder(id), Integer::sum);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        int total = notRun.values().stream().mapToInt(Integer::intValue).sum();
        if (total > 0) {
            StringBuilder s = new StringBuilder("[nnzoo] WARNING: ").append(total).append(" real-data test")
                    .append(total == 1 ? " was" : "s were").append(" skipped:");
            notRun.forEach((reason, n) -> s.append("\n[nnzoo]   ").append(n).append(" x ").append(reason));
            System.out.println(s);
            try {
                Files.createDirectories(Path.of(REPORT).toAbsolutePath().getParent());
                Files.writeString(Path.of(REPORT), s + "\n");
            } catch (IOException e) {
                System.out.println("[nnzoo] WARNING: cannot write " + Path.of(REPORT).toAbsolutePath() + ": " + e);
            }
        }
    }

    /** @return the number of test methods an identifier stands for (a skipped class: all of its tests) */
    private int testsUnder(TestIdentifier id) {
        if (id.isTest() || plan == null) {
            return 1;
        }
        int n = 0;
        for (TestIdentifier child : plan.getChildren(id)) {
            n += testsUnder(child);
        }
        return Math.max(n, 1);
    }
}
