package org.nnzoo.bench;

import java.util.Map;

/** The benchmark rows transformer,pointer (being written). */
final class SequenceBench {

    private SequenceBench() {
    }

    static void run(String name, Map<String, String> opt) {
        throw new UnsupportedOperationException("transformer,pointer: not written yet");
    }
}
