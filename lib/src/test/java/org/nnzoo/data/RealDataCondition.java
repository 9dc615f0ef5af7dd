package org.nnzoo.data;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Runs a {@link RealData} test when a data folder is set ({@code NNZOO_DATA} or {@code -Dnnzoo.data}). */
public final class RealDataCondition implements ExecutionCondition {

    /** The reason given for every skipped real-data test; {@link RealDataSummary} prints it once. */
    static final String NOT_SET = DataHome.ENV + " is not set (run the tests with "
            + DataHome.ENV + "=<folder holding mnist/, cora/, abc/>, e.g. ../shared/datasets)";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return dataFolderSet()
                ? ConditionEvaluationResult.enabled(DataHome.ENV + " is set: " + DataHome.dir())
                : ConditionEvaluationResult.disabled(NOT_SET);
    }

    static boolean dataFolderSet() {
        return !blank(System.getProperty(DataHome.PROPERTY)) || !blank(System.getenv(DataHome.ENV));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
