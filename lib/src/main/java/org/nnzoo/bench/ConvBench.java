package org.nnzoo.bench;

import java.util.Map;

/** The benchmark rows resnet,unet (being written). */
final class ConvBench {

    private ConvBench() {
    }

    static void run(String name, Map<String, String> opt) {
        throw new UnsupportedOperationException("resnet,unet: not written yet");
    }
}
