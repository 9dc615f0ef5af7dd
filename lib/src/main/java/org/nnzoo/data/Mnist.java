package org.nnzoo.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * MNIST (handwritten digits) and Fashion-MNIST (Zalando clothing images): 60,000 training and
 * 10,000 test images of 28x28 grey pixels, 10 classes, in IDX files.
 *
 * <p>{@code Mnist.digits().load(Split.TRAIN)} finds the files with a {@link DataLocator} (data home,
 * then known system folders), verifies their SHA-256, downloads them if missing and allowed, and
 * returns an {@link ImageSet}.
 *
 * <p>Checksums: MNIST's are those of the canonical files (they match torchvision's MD5s and the
 * staged copies in the project's shared data folder). Fashion-MNIST's decompressed SHA-256s were
 * computed from Debian's {@code dataset-fashion-mnist} package (whose uncompressed MD5s match
 * upstream's); Debian re-gzipped the files, so both Debian's and upstream's {@code .gz} hashes
 * are accepted.
 */
public final class Mnist {

    /** Which half of the data set. */
    public enum Split {
        /** The 60,000 training images ({@code train-*} files). */
        TRAIN("train"),
        /** The 10,000 test images ({@code t10k-*} files). */
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        /** @return the images file name, e.g. {@code train-images-idx3-ubyte.gz} */
        public String imagesFile() {
            return prefix + "-images-idx3-ubyte.gz";
        }

        /** @return the labels file name, e.g. {@code train-labels-idx1-ubyte.gz} */
        public String labelsFile() {
            return prefix + "-labels-idx1-ubyte.gz";
        }
    }

    private static final List<String> MNIST_MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "http://yann.lecun.com/exdb/mnist/");

    private static final List<String> FASHION_MIRRORS = List.of(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /** Where Debian's {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEBIAN_FASHION_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String[] DIGITS = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};

    private static final String[] FASHION = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};

    private static final List<RemoteFile> MNIST_FILES = List.of(
            file(MNIST_MIRRORS, "train-images-idx3-ubyte.gz", 9_912_422,
                    "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")
                    .withRaw("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 47_040_016),
            file(MNIST_MIRRORS, "train-labels-idx1-ubyte.gz", 28_881,
                    "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c")
                    .withRaw("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60_008),
            file(MNIST_MIRRORS, "t10k-images-idx3-ubyte.gz", 1_648_877,
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6")
                    .withRaw("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 7_840_016),
            file(MNIST_MIRRORS, "t10k-labels-idx1-ubyte.gz", 4_542,
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6")
                    .withRaw("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10_008));

    // Upstream .gz SHA-256 and sizes: as listed by public projects (not re-checked against the
    // files here). Raw SHA-256 and the "other" (.gz) hashes: computed from Debian's package.
    private static final List<RemoteFile> FASHION_FILES = List.of(
            file(FASHION_MIRRORS, "train-images-idx3-ubyte.gz", 26_421_880,
                    "08dc20ab1689590a0bcd66e874647b6ee8464e2d501b5a3f1f78831db19a3fdc")
                    .withRaw("c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 47_040_016)
                    .withOtherSha256("b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            file(FASHION_MIRRORS, "train-labels-idx1-ubyte.gz", 29_515,
                    "b0197879cbda89f3dc7b894f9fd52b858e68ea4182b6947c9d8c2b67e5f18dcc")
                    .withRaw("bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60_008)
                    .withOtherSha256("0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            file(FASHION_MIRRORS, "t10k-images-idx3-ubyte.gz", 4_422_102,
                    "78dcbbfb5a27efaf1b6c1d616caca68560be8766c5bffcb2791df9273a534229")
                    .withRaw("5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 7_840_016)
                    .withOtherSha256("cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            file(FASHION_MIRRORS, "t10k-labels-idx1-ubyte.gz", 5_148,
                    "42bd18137a62d5998cdeae52bf3a0676ac6b706f5cf8439b47bb5b151ae3dccf")
                    .withRaw("0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10_008)
                    .withOtherSha256("8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"));

    private final String name;
    private final String[] classNames;
    private final List<RemoteFile> files;
    private final List<Path> extraDirs;

    private Mnist(String name, String[] classNames, List<RemoteFile> files, List<Path> extraDirs) {
        this.name = name;
        this.classNames = classNames.clone();
        this.files = List.copyOf(files);
        this.extraDirs = List.copyOf(extraDirs);
    }

    /** @return MNIST handwritten digits, kept in {@code DataHome/mnist/} */
    public static Mnist digits() {
        return new Mnist("mnist", DIGITS, MNIST_FILES, List.of());
    }

    /**
     * @return Fashion-MNIST, kept in {@code DataHome/fashion-mnist/}; also found where Debian's
     *     {@code dataset-fashion-mnist} package installs it ({@link #DEBIAN_FASHION_DIR})
     */
    public static Mnist fashion() {
        return new Mnist("fashion-mnist", FASHION, FASHION_FILES, List.of(DEBIAN_FASHION_DIR));
    }

    /**
     * A data set in MNIST's layout with other files, e.g. a small test slice.
     *
     * @param name the folder name under the data home
     * @param classNames the class names, indexed by label
     * @param files the files, named like MNIST's ({@code train-images-idx3-ubyte.gz}, ...); only
     *     the two of a split are needed to load it
     * @param extraDirs further folders to search
     * @return the data set
     */
    public static Mnist custom(String name, String[] classNames, List<RemoteFile> files, List<Path> extraDirs) {
        return new Mnist(name, classNames, files, extraDirs);
    }

    /** @return the folder name under the data home, e.g. {@code mnist} */
    public String name() {
        return name;
    }

    /** @return the class names, indexed by label (a copy) */
    public String[] classNames() {
        return classNames.clone();
    }

    /** @return the known files with their URLs and checksums */
    public List<RemoteFile> files() {
        return files;
    }

    /** @return the training split, located with a default {@link DataLocator} */
    public ImageSet train() {
        return load(Split.TRAIN);
    }

    /** @return the test split, located with a default {@link DataLocator} */
    public ImageSet test() {
        return load(Split.TEST);
    }

    /**
     * @param split which split
     * @return its images, located with a default {@link DataLocator}
     */
    public ImageSet load(Split split) {
        return load(split, new DataLocator());
    }

    /**
     * @param split which split
     * @param locator finds, verifies and if needed downloads the files
     * @return its images and labels
     * @throws DataException if the files cannot be found, verified or parsed
     */
    public ImageSet load(Split split, DataLocator locator) {
        List<RemoteFile> needed = List.of(fileNamed(split.imagesFile()), fileNamed(split.labelsFile()));
        List<Path> paths = locator.locate(name, needed, extraDirs);
        Idx images = Idx.read(paths.get(0));
        Idx labels = Idx.read(paths.get(1));
        if (images.count() != labels.count()) {
            throw new DataException("The " + name + " " + split + " files disagree: " + paths.get(0) + " has "
                    + images.count() + " images but " + paths.get(1) + " has " + labels.count()
                    + " labels. One of them is from another data set or version; delete both and"
                    + " download them again.");
        }
        return ImageSet.of(name + "/" + split.name().toLowerCase(Locale.ROOT), images, labels, classNames);
    }

    private RemoteFile fileNamed(String fileName) {
        for (RemoteFile f : files) {
            if (f.fileName().equals(fileName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("data set " + name + " has no file " + fileName);
    }

    private static RemoteFile file(List<String> mirrors, String fileName, long size, String sha256) {
        return new RemoteFile(fileName, mirrors.stream().map(m -> m + fileName).toList(), sha256, size);
    }

    @Override
    public String toString() {
        return "Mnist[" + name + "]";
    }
}
