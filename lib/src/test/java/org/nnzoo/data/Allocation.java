package org.nnzoo.data;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.function.Executable;

/** Measures how many bytes the current thread allocates, to show that a reader refused before allocating. */
final class Allocation {

    private Allocation() {
    }

    /** @return the bytes allocated by this thread while {@code code} ran (it may throw; that is caught) */
    static long of(Executable code) {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = bean.getCurrentThreadAllocatedBytes();
        try {
            code.execute();
        } catch (Throwable expected) {
            // the callers check the error separately
        }
        return bean.getCurrentThreadAllocatedBytes() - before;
    }
}
