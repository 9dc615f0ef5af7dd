package org.nnzoo.train;

import java.util.ArrayList;
import java.util.List;

import ai.djl.nn.Block;

/** Test helper: every parameter value of some blocks (running statistics included), in the blocks' order, as one array. */
public final class ParameterValues {

    private ParameterValues() {
    }

    /** @return the values of every parameter of {@code blocks}, block by block, each in DJL's parameter order */
    public static float[] of(Block... blocks) {
        List<Float> all = new ArrayList<>();
        for (Block block : blocks) {
            for (var p : block.getParameters()) {
                for (float v : p.getValue().getArray().toFloatArray()) {
                    all.add(v);
                }
            }
        }
        float[] out = new float[all.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = all.get(i);
        }
        return out;
    }
}
