package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Loads the full MNIST when {@code NNZOO_DATA} points at a folder holding it (directly or in
 * {@code mnist/}), e.g. {@code NNZOO_DATA=../shared/datasets/mnist}; skipped otherwise.
 */
class RealMnistTest {

    @Test
    void fullMnistHasCanonicalCountsAndLabels() {
        String env = System.getenv(DataHome.ENV);
        assumeTrue(env != null, "NNZOO_DATA is not set");
        Path home = Path.of(env);
        boolean present = false;
        for (Path dir : new Path[] {home, home.resolve("mnist")}) {
            for (String f : new String[] {"t10k-labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"}) {
                present |= Files.isRegularFile(dir.resolve(f));
            }
        }
        assumeTrue(present, "NNZOO_DATA has no MNIST files");
        DataHome.clearOverride();
        DataLocator offline = Slice.offlineLocator();

        ImageSet train = Mnist.digits().load(Mnist.Split.TRAIN, offline);
        assertEquals(60_000, train.count());
        assertEquals(28, train.rows());
        assertEquals(28, train.cols());
        assertArrayEquals(new int[] {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949},
                train.classCounts());

        ImageSet test = Mnist.digits().load(Mnist.Split.TEST, offline);
        assertEquals(10_000, test.count());
        assertArrayEquals(new int[] {980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009},
                test.classCounts());
        for (int l : test.labels()) {
            assertEquals(true, l >= 0 && l <= 9);
        }
    }
}
