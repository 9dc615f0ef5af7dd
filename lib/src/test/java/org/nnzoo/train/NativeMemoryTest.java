package org.nnzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nnzoo.models.Mlp;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;

/**
 * Trains 2,000 steps and checks that the process's resident memory stays flat: every batch's arrays must
 * be freed with the batch. (Without scoped managers the growth is gigabytes: see shared/FACTS.md.)
 */
class NativeMemoryTest {

    @Test
    void twoThousandStepsKeepMemoryFlat() throws IOException {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/status")), "needs Linux /proc");
        TestData data = new TestData(200 * 64, 64, 10, 1.0, 2);
        try (Model model = Model.newInstance("mem")) {
            model.setBlock(Mlp.build(new int[] {256}, 10));
            InMemoryDataset ds = InMemoryDataset.classification(data.x, new Shape(64), data.y, 64, true, 1);
            // warm-up: 200 steps allocate the allocator pools, optimizer state and JIT
            Fit.of(model, ds).optimizer(Optimizer.adam().build()).epochs(1).run();
            System.gc();
            long before = ResidentMemory.rssKb();
            History h = Fit.of(model, ds).optimizer(Optimizer.adam().build()).epochs(10).continueTraining().run();
            System.gc();
            long after = ResidentMemory.rssKb();
            assertEquals(10, h.epochs());
            long growthMb = (after - before) / 1024;
            System.out.printf("RSS before %d MB, after 2000 steps %d MB, growth %d MB%n", before / 1024, after / 1024, growthMb);
            assertTrue(growthMb < 64, "native memory grew by " + growthMb + " MB over 2000 steps");
        }
    }
}
