package org.nnzoo.data;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test (or a test class) that reads a real data set from the folder named by
 * {@code NNZOO_DATA} (or {@code -Dnnzoo.data}).
 *
 * <p>Such a test is skipped only when neither is set. When the folder is set, the test runs, and a
 * data set that is missing or wrong there fails it with the loader's message: a mistyped path is
 * never mistaken for "no data on this machine". {@link RealDataSummary} prints at the end of the run
 * how many real-data tests were skipped and why.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(RealData.TAG)
@ExtendWith(RealDataCondition.class)
public @interface RealData {

    /** The JUnit tag of every real-data test (also for {@code mvn test -Dgroups=real-data}). */
    String TAG = "real-data";
}
