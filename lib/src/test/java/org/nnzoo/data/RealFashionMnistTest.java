package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Loads the full Fashion-MNIST when it is installed (Debian's {@code dataset-fashion-mnist} in
 * /usr/share/datasets/fashion-mnist) or in the data home; skipped otherwise.
 */
class RealFashionMnistTest {

    @Test
    @Tag(RealData.TAG) // an optional data set: not in ../shared/datasets, so not @RealData; counted when skipped
    void fullFashionMnistHasBalancedClasses() {
        DataHome.clearOverride();
        Mnist fashion = Mnist.fashion();
        String f = "t10k-labels-idx1-ubyte.gz";
        boolean present = Stream.of(DataHome.dir().resolve(fashion.name()), Mnist.DEBIAN_FASHION_DIR)
                .anyMatch(d -> Files.isRegularFile(d.resolve(f)) || Files.isRegularFile(d.resolve("t10k-labels-idx1-ubyte")));
        assumeTrue(present, "Fashion-MNIST (optional, used by 04-resnet's full profile) is not installed in "
                + DataHome.dir().resolve(fashion.name()) + " or " + Mnist.DEBIAN_FASHION_DIR);

        ImageSet train = fashion.load(Mnist.Split.TRAIN, Slice.offlineLocator());
        assertEquals(60_000, train.count());
        int[] sixThousand = new int[10];
        Arrays.fill(sixThousand, 6000);
        assertArrayEquals(sixThousand, train.classCounts());

        ImageSet test = fashion.load(Mnist.Split.TEST, Slice.offlineLocator());
        assertEquals(10_000, test.count());
        assertEquals(28, test.rows());
    }
}
