package org.nnzoo.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MnistSliceTest {

    @TempDir
    Path tmp;

    @AfterEach
    void reset() {
        DataHome.clearOverride();
    }

    @Test
    void loadsBothSplitsFromDataHomeSubfolder() {
        DataHome.setOverride(Slice.dir().getParent()); // holds mnist-slice/
        ImageSet test = Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator());
        assertEquals(300, test.count());
        assertEquals(28, test.rows());
        assertEquals(28, test.cols());
        assertArrayEquals(new int[] {24, 41, 32, 24, 37, 29, 24, 34, 21, 34}, test.classCounts());
        assertEquals(7, test.label(0));
        float[] px = test.pixels();
        assertEquals(300 * 784, px.length);
        float min = 1;
        float max = 0;
        for (float v : px) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertEquals(0f, min);
        assertEquals(1f, max);

        ImageSet train = Slice.dataset().load(Mnist.Split.TRAIN, Slice.offlineLocator());
        assertArrayEquals(new int[] {34, 39, 28, 34, 32, 23, 29, 29, 21, 31}, train.classCounts());
        assertEquals(5, train.label(0));
    }

    @Test
    void dataHomeMayHoldTheFilesDirectly() {
        DataHome.setOverride(Slice.dir());
        ImageSet test = Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator());
        assertEquals(300, test.count());
    }

    @Test
    void extraDirectoryIsSearched() {
        DataHome.setOverride(tmp);
        Mnist m = Mnist.custom("mnist-slice", Slice.DIGITS, Slice.FILES, List.of(Slice.dir()));
        assertEquals(300, m.load(Mnist.Split.TEST, Slice.offlineLocator()).count());
    }

    @Test
    void uncompressedFilesAreAcceptedAndVerified() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist-slice"));
        Slice.gunzip("t10k-images-idx3-ubyte.gz", dir.resolve("t10k-images-idx3-ubyte"));
        Slice.gunzip("t10k-labels-idx1-ubyte.gz", dir.resolve("t10k-labels-idx1-ubyte"));
        DataHome.setOverride(tmp);
        ImageSet fromRaw = Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator());
        DataHome.setOverride(Slice.dir());
        ImageSet fromGz = Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator());
        assertArrayEquals(fromGz.rawPixels(), fromRaw.rawPixels());
        assertArrayEquals(fromGz.labels(), fromRaw.labels());
    }

    @Test
    void recompressedGzipIsAcceptedByItsContent() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist-slice"));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"),
                IdxTest.gzip(IdxTest.gunzipped("t10k-labels-idx1-ubyte.gz")));
        Files.copy(Slice.file("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        DataHome.setOverride(tmp);
        assertEquals(300, Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()).count());
    }

    @Test
    void wrongChecksumIsAnErrorNotSilentlyUsed() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist-slice"));
        Files.copy(Slice.file("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-images-idx3-ubyte.gz"));
        byte[] labels = IdxTest.gunzipped("t10k-labels-idx1-ubyte.gz");
        labels[8] = 3; // the first label, 7, becomes 3
        Path bad = dir.resolve("t10k-labels-idx1-ubyte.gz");
        Files.write(bad, IdxTest.gzip(labels));
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()));
        String msg = e.getMessage();
        assertTrue(msg.contains(bad.toString()), msg);
        assertTrue(msg.contains(Slice.TEST_LABELS.sha256()), msg);
        assertTrue(msg.contains("actual"), msg);
        assertTrue(msg.contains("Delete it"), msg);
    }

    @Test
    void wrongRawChecksumIsAnError() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnist-slice"));
        Path raw = dir.resolve("t10k-labels-idx1-ubyte");
        Files.write(raw, new byte[] {0, 0, 8, 1, 0, 0, 0, 1, 3});
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()));
        assertTrue(e.getMessage().contains(raw.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(Slice.TEST_LABELS.rawSha256()), e.getMessage());
    }

    @Test
    void missingFilesOfflineNameDatasetFilesDirsAndFix() {
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> Mnist.digits().load(Mnist.Split.TRAIN, Slice.offlineLocator()));
        String msg = e.getMessage();
        assertTrue(msg.contains("mnist"), msg);
        assertTrue(msg.contains("train-images-idx3-ubyte.gz"), msg);
        assertTrue(msg.contains("train-labels-idx1-ubyte.gz"), msg);
        assertTrue(msg.contains(tmp.resolve("mnist").toString()), msg);
        assertTrue(msg.contains("NNZOO_DATA"), msg);
        assertTrue(msg.contains("Offline"), msg);
        assertEquals(0, tmp.toFile().list().length, "nothing may be written when offline");
    }

    @Test
    void countMismatchBetweenFilesIsAClearError() throws IOException {
        // train images (300) with a 2-label file whose checksum the custom data set pins
        Path dir = Files.createDirectories(tmp.resolve("odd"));
        Files.copy(Slice.file("train-images-idx3-ubyte.gz"), dir.resolve("train-images-idx3-ubyte.gz"));
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        Files.write(labels, new byte[] {0, 0, 8, 1, 0, 0, 0, 2, 3, 4});
        RemoteFile labelFile = new RemoteFile("train-labels-idx1-ubyte.gz", List.of(), "0".repeat(64), -1)
                .withRaw(Checksums.sha256(labels), 10);
        Mnist odd = Mnist.custom("odd", Slice.DIGITS, List.of(Slice.TRAIN_IMAGES, labelFile), List.of());
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> odd.load(Mnist.Split.TRAIN, Slice.offlineLocator()));
        assertTrue(e.getMessage().contains("300 images"), e.getMessage());
        assertTrue(e.getMessage().contains("2 labels"), e.getMessage());
        assertTrue(e.getMessage().contains(labels.toString()), e.getMessage());
    }

    @Test
    void foreignFileInSharedDataHomeRootIsSkippedNotUsed() throws IOException {
        // the data home root holds MNIST-named files of another data set (here: the train slice
        // renamed as t10k); a data set kept in its own folder must still be found
        Files.copy(Slice.file("train-labels-idx1-ubyte.gz"), tmp.resolve("t10k-labels-idx1-ubyte.gz"));
        DataHome.setOverride(tmp);
        DataException e = assertThrows(DataException.class,
                () -> Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()));
        assertTrue(e.getMessage().contains("Skipped"), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("t10k-labels-idx1-ubyte.gz").toString()), e.getMessage());

        Path own = Files.createDirectories(tmp.resolve("mnist-slice"));
        Files.copy(Slice.file("t10k-images-idx3-ubyte.gz"), own.resolve("t10k-images-idx3-ubyte.gz"));
        Files.copy(Slice.file("t10k-labels-idx1-ubyte.gz"), own.resolve("t10k-labels-idx1-ubyte.gz"));
        assertEquals(7, Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator()).label(0));
    }

    @Test
    void limitFilterSubset() {
        DataHome.setOverride(Slice.dir());
        ImageSet test = Slice.dataset().load(Mnist.Split.TEST, Slice.offlineLocator());
        ImageSet first = test.limit(10);
        assertEquals(10, first.count());
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, first.labels());
        assertEquals(300, test.limit(1000).count());

        ImageSet ones = test.filter(1, 7);
        assertEquals(41 + 34, ones.count());
        for (int l : ones.labels()) {
            assertTrue(l == 1 || l == 7);
        }
        assertEquals(7, ones.label(0));
        assertArrayEquals(test.image(0), ones.image(0));

        ImageSet picked = test.subset(new int[] {3, 0, 3});
        assertArrayEquals(new int[] {0, 7, 0}, picked.labels());
        assertArrayEquals(test.image(3), picked.image(2));
        assertEquals(3 * 784, picked.pixels().length);
        assertThrows(IndexOutOfBoundsException.class, () -> test.subset(new int[] {300}));

        ImageSet tail = test.range(295, 300);
        assertEquals(5, tail.count());
        assertArrayEquals(test.image(297), tail.image(2));
        assertEquals(test.label(299), tail.label(4));
        assertThrows(IllegalArgumentException.class, () -> test.range(10, 301));
        assertThrows(IllegalArgumentException.class, () -> test.filter(10));

        // immutability: changing a returned array does not change the set
        test.labels()[0] = 3;
        test.rawPixels()[200] = 1;
        assertEquals(7, test.label(0));
        assertEquals(10, test.classNames().length);
    }

    @Test
    void knownDatasetsDescribeTheirFiles() {
        assertEquals("mnist", Mnist.digits().name());
        assertEquals(4, Mnist.digits().files().size());
        assertEquals("Ankle boot", Mnist.fashion().classNames()[9]);
        RemoteFile first = Mnist.digits().files().get(0);
        assertEquals("https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz", first.urls().get(0));
        assertEquals("train-images-idx3-ubyte", first.rawName());
        assertTrue(DataLocator.searchDirs("fashion-mnist", List.of(Mnist.DEBIAN_FASHION_DIR))
                .contains(Path.of("/usr/share/datasets/fashion-mnist")));
    }
}
