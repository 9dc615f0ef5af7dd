package org.nnzoo.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.nnzoo.data.ImageSet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** SnnActivity counts what Snn.Network.record returns, the same for any batch size. */
class SnnActivityTest {

    @Test
    void countsTheRecordedSpikesForAnyBatchSize() {
        SplittableRandom rnd = new SplittableRandom(4);
        int count = 7;
        byte[] pixels = new byte[count * 16];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) rnd.nextInt(256);
        }
        int[] labels = {0, 1, 2, 0, 1, 2, 0};
        ImageSet images = new ImageSet("tiny", 4, 4, pixels, labels, new String[] {"a", "b", "c"});
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Snn.Network net = Snn.network().hidden(12).outputs(3).steps(6).encoding(SpikeCoding.DIRECT, 1f).build();
            net.initialize(m, DataType.FLOAT32, new Shape(count, 1, 4, 4));
            SnnActivity all = SnnActivity.measure(net, m, images, count, 2);
            SnnActivity batched = SnnActivity.measure(net, m, images, 3, 4);
            assertEquals(count, all.samples());
            assertArrayEquals(all.spikeTotals(), batched.spikeTotals(), 1e-3);
            assertEquals(all.tiedSamples(), batched.tiedSamples());
            assertEquals(all.countOnlyCorrect(), batched.countOnlyCorrect());
            assertEquals(2, all.outputRasters().size());
            assertEquals(4, batched.outputRasters().size());
            assertArrayEquals(all.outputRasters().get(1), batched.outputRasters().get(1), 0f);

            NDList rec = net.record(m.create(images.pixels(), new Shape(count, 1, 4, 4)));
            assertEquals(rec.get(2).sum().getFloat(), all.spikeTotals()[0], 1e-3);
            assertEquals(rec.get(3).sum().getFloat(), all.spikeTotals()[1], 1e-3);
            assertEquals(rec.get(2).sum().getFloat() / count / 12.0, all.spikesPerNeuron(0), 1e-6);
            // image 1's raster is its output spikes over time
            float[] out = rec.get(3).toFloatArray();
            for (int t = 0; t < 6; t++) {
                for (int o = 0; o < 3; o++) {
                    assertEquals(out[(t * count + 1) * 3 + o], all.outputRasters().get(1)[t * 3 + o], 0f);
                }
            }
            // ties and the count-only accuracy, by hand from the counts
            float[] counts = rec.get(0).toFloatArray();
            int tied = 0;
            int correct = 0;
            for (int i = 0; i < count; i++) {
                float max = Math.max(counts[3 * i], Math.max(counts[3 * i + 1], counts[3 * i + 2]));
                int top = 0;
                int arg = -1;
                for (int o = 0; o < 3; o++) {
                    if (counts[3 * i + o] == max) {
                        top++;
                        arg = arg < 0 ? o : arg;
                    }
                }
                tied += top > 1 ? 1 : 0;
                correct += arg == labels[i] ? 1 : 0;
            }
            assertEquals(tied, all.tiedSamples());
            assertEquals(correct / (double) count, all.countOnlyAccuracy(), 1e-12);
            assertTrue(all.tiedFraction() >= 0 && all.tiedFraction() <= 1);
            NDArray unused = rec.get(0);
            assertEquals(new Shape(count, 3), unused.getShape());
        }
    }
}
