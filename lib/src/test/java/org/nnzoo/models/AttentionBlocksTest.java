package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;

/** The Transformer's pieces used on their own, as a new chapter (e.g. a Vision Transformer) would use them. */
class AttentionBlocksTest {

    /** A non-causal block over a sequence of 5 patch vectors: every position sees every other one. */
    @Test
    void selfAttentionBlockWorksOnItsOwnOverPatchVectors() {
        Engine.getInstance().setRandomSeed(2);
        try (NDManager m = NDManager.newBaseManager()) {
            SelfAttentionBlock block = new SelfAttentionBlock(8, 2, 16, false);
            block.initialize(m, DataType.FLOAT32, new Shape(3, 5, 8));
            NDArray x = m.randomNormal(new Shape(3, 5, 8));
            x.setRequiresGradient(true);
            NDList out;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                out = block.forward(new ParameterStore(m, false), new NDList(x), true);
                gc.backward(out.head().sum());
            }
            assertEquals(new Shape(3, 5, 8), out.get(0).getShape());
            assertEquals(new Shape(3, 2, 5, 5), out.get(1).getShape());
            assertEquals(new Shape(3, 2, 5, 5), block.getOutputShapes(new Shape[] {new Shape(3, 5, 8)})[1]);
            NDArray w = out.get(1);
            assertTrue(w.sum(new int[] {3}).sub(1).abs().max().getFloat() < 1e-5, "attention rows sum to 1");
            assertTrue(w.get(new NDIndex(":, :, 0, 1:")).min().getFloat() > 0, "not causal: the first position sees later ones");
            assertTrue(x.getGradient().abs().sum().getFloat() > 0, "gradients reach the input");
            assertEquals(2, block.attention().heads());
        }
    }

    /** The cross-attention block attends from 4 decoder positions to 6 memory positions, none of them padding. */
    @Test
    void crossAttentionBlockAttendsToTheMemoryButNotItsPadding() {
        Engine.getInstance().setRandomSeed(3);
        try (NDManager m = NDManager.newBaseManager()) {
            CrossAttentionBlock block = new CrossAttentionBlock(8, 2, 16);
            block.initialize(m, DataType.FLOAT32, new Shape(2, 4, 8), new Shape(2, 6, 8));
            NDArray y = m.randomNormal(new Shape(2, 4, 8));
            NDArray memory = m.randomNormal(new Shape(2, 6, 8));
            NDArray keep = m.create(new float[] {1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 6));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(y, memory, keep), false);
            assertEquals(new Shape(2, 4, 8), out.get(0).getShape());
            assertEquals(new Shape(2, 2, 4, 6), out.get(1).getShape());
            assertEquals(0.0, out.get(1).get(new NDIndex("0, :, :, 4:")).abs().max().getFloat(), 1e-7, "padding gets no weight");
            assertEquals(2, block.crossAttention().heads());
        }
    }

    /** x_t = sqrt(d) E[id_t] + PE(t), checked on numbers. */
    @Test
    void tokenEmbeddingIsTheScaledTableRowPlusThePositionalEncoding() {
        Engine.getInstance().setRandomSeed(4);
        try (NDManager m = NDManager.newBaseManager()) {
            int vocab = 5;
            int d = 6;
            TokenEmbedding embed = new TokenEmbedding(vocab, d);
            embed.initialize(m, DataType.FLOAT32, new Shape(1, 3));
            float[] out = embed.forward(new ParameterStore(m, false), new NDList(m.create(new float[] {4, 0, 2}, new Shape(1, 3))), false)
                    .head().toFloatArray();
            float[] table = embed.getParameters().valueAt(0).getArray().toFloatArray(); // (d, vocab): Linear's (out, in)
            float[][] pe = PositionalEncoding.table(3, d);
            int[] ids = {4, 0, 2};
            for (int t = 0; t < 3; t++) {
                for (int j = 0; j < d; j++) {
                    double expected = Math.sqrt(d) * table[j * vocab + ids[t]] + pe[t][j];
                    assertEquals(expected, out[t * d + j], 1e-5, "position " + t + ", component " + j);
                }
            }
        }
    }
}
