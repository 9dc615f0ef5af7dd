package org.nnzoo.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** The committed 300-image MNIST slices (see resources/mnist-slice/ATTRIBUTION.md); shared by all test packages. */
public final class Slice {

    static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    static final RemoteFile TRAIN_IMAGES = new RemoteFile("train-images-idx3-ubyte.gz", List.of(),
            "2ed31756a804073b8e57edd09e6461ba9e1010770844f107551783b0123c7a14", 47_930)
            .withRaw("f04278f7eeed20dddd03166a02df7b54f590a2edd1fce84ec19546d736971d2c", 235_216);
    static final RemoteFile TRAIN_LABELS = new RemoteFile("train-labels-idx1-ubyte.gz", List.of(),
            "51e8d28d590074141a513cd203103a66c1ffd7e3b6434a2f0fdef222ce5abea2", 179)
            .withRaw("e3a52ff91522f3a4f74e3a413a2dda110cc30f335950da02f1ef99b23e3cf0e6", 308);
    static final RemoteFile TEST_IMAGES = new RemoteFile("t10k-images-idx3-ubyte.gz", List.of(),
            "215c754e3c933955cd82df0d1f9612bb9f6a8cff0df363fdac008f6df86c4343", 46_864)
            .withRaw("a9a5d0682475616b56440a6cd9a827ca0c60ef0cc87364ccb494b2db9a4798c7", 235_216);
    static final RemoteFile TEST_LABELS = new RemoteFile("t10k-labels-idx1-ubyte.gz", List.of(),
            "af90d1d10172f742f17a2b6410d9d5837f6bd5b94d341b842b4e6339beee88fe", 178)
            .withRaw("b526ed4c1d2c33c1a843db264a7d2e7fba30a52835c92ab3aba6dd35265c3c1e", 308);

    static final List<RemoteFile> FILES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    private Slice() {
    }

    /** @return the folder holding the slice (read-only use only) */
    public static Path dir() {
        try {
            return Path.of(Slice.class.getResource("/mnist-slice").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path file(String name) {
        return dir().resolve(name);
    }

    /** @return the slice as a data set named {@code mnist-slice} */
    public static Mnist dataset() {
        return Mnist.custom("mnist-slice", DIGITS, FILES, List.of());
    }

    /** @return one split of the slice, loaded offline with the data home pointed at the slice folder */
    public static ImageSet load(Mnist.Split split) {
        DataHome.setOverride(dir());
        try {
            return dataset().load(split, offlineLocator());
        } finally {
            DataHome.clearOverride();
        }
    }

    public static DataLocator offlineLocator() {
        return new DataLocator(new Downloader(true, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Downloader.Progress.none()));
    }

    /** Writes the decompressed content of a slice file to {@code target}. */
    static void gunzip(String name, Path target) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file(name)));
             OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }
}
