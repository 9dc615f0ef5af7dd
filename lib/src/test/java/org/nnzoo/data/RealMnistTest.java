package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Loads the full MNIST from {@code NNZOO_DATA} (directly or in {@code mnist/}), e.g.
 * {@code NNZOO_DATA=../shared/datasets}; skipped only when {@code NNZOO_DATA} is not set, and a
 * failure with the loader's message when it is set but the files are missing or wrong.
 */
class RealMnistTest {

    @Test
    @RealData
    void fullMnistHasCanonicalCountsAndLabels() {
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
