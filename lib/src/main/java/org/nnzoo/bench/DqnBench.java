package org.nnzoo.bench;

import java.util.Map;

/** The benchmark rows dqn (being written). */
final class DqnBench {

    private DqnBench() {
    }

    static void run(Map<String, String> opt) {
        throw new UnsupportedOperationException("dqn: not written yet");
    }
}
