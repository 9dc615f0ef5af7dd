package org.nnzoo.data;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.ZipFile;

/**
 * The NLTK "abc" corpus (Australian Broadcasting Commission 2006: ABC Rural News and ABC Science News) as a
 * <b>character-level</b> language-modelling task: train, validation and test texts, and a vocabulary of
 * characters built from the training text only.
 *
 * <p>Source: {@code abc.zip} as NLTK's downloader serves it (nltk_data, {@code packages/corpora/abc.zip},
 * SHA-256 pinned below), located with {@link DataLocator} in {@code DataHome/abc/} and read without
 * unpacking. {@code rural.txt} is UTF-8 with LF line ends, {@code science.txt} is Latin-1 with CRLF;
 * both are decoded accordingly and {@code \r} is removed.
 *
 * <p>Split (fixed, by document position, no shuffling): each file is cut into documents at blank lines;
 * in each file the first 90% of the documents are training, the next 5% validation, the last 5% test.
 * The parts are joined with a blank line, rural first. Characters of validation or test that never occur in
 * training map to the unknown index {@link #UNKNOWN}.
 */
public final class AbcChars {

    /** Index of the unknown character (not in the training text); it prints as {@code '?'}. */
    public static final int UNKNOWN = 0;

    /** The pinned archive. */
    public static final RemoteFile ZIP = new RemoteFile("abc.zip",
            List.of("https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/corpora/abc.zip"),
            "129bb6001beb828049a90a59b7dd3c2f0594a47012e48fc5177dfae38e658565", 1_487_851);

    private final String train;
    private final String validation;
    private final String test;
    private final char[] vocab;
    private final int[] index = new int[Character.MAX_VALUE + 1];

    private AbcChars(String train, String validation, String test) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        TreeSet<Character> chars = new TreeSet<>();
        for (int i = 0; i < train.length(); i++) {
            chars.add(train.charAt(i));
        }
        vocab = new char[chars.size() + 1];
        vocab[UNKNOWN] = '?';
        int k = 1;
        for (char c : chars) {
            vocab[k] = c;
            index[c] = k++;
        }
    }

    /** @return the corpus located with a default {@link DataLocator} (data home, else download) */
    public static AbcChars load() {
        return load(new DataLocator());
    }

    /** @return the corpus, its archive found (or downloaded) and verified by {@code locator} */
    public static AbcChars load(DataLocator locator) {
        Path zip = locator.locate("abc", List.of(ZIP), List.of()).get(0);
        try (ZipFile z = new ZipFile(zip.toFile())) {
            String rural = Abc.readPart(z, zip, Abc.Part.RURAL).replace("\r", "");
            String science = Abc.readPart(z, zip, Abc.Part.SCIENCE).replace("\r", "");
            return fromTexts(rural, science);
        } catch (IOException e) {
            throw new DataException("cannot read " + zip + " as a zip archive (" + e.getMessage()
                    + "): delete it and let the loader fetch abc.zip again", e);
        }
    }

    /**
     * @return the bytes decoded with {@code charset}, carriage returns removed
     * @throws DataException at the first byte sequence that is not valid in {@code charset} (never replaced)
     */
    public static String decode(byte[] bytes, Charset charset) {
        return StrictText.decode(bytes, charset, "the text").replace("\r", "");
    }

    /**
     * Splits the two texts by document position (see the class comment).
     *
     * @param rural   the decoded {@code rural.txt}
     * @param science the decoded {@code science.txt}
     */
    public static AbcChars fromTexts(String rural, String science) {
        String[][] r = split(rural, "rural");
        String[][] s = split(science, "science");
        return new AbcChars(r[0][0] + "\n\n" + s[0][0], r[1][0] + "\n\n" + s[1][0], r[2][0] + "\n\n" + s[2][0]);
    }

    /** @return documents of one text, split 90/5/5 by position: {{train}, {validation}, {test}} */
    static String[][] split(String text, String name) {
        List<String> docs = new ArrayList<>();
        for (String d : text.split("\n\\s*\n")) {
            if (!d.isBlank()) {
                docs.add(d.strip());
            }
        }
        int n = docs.size();
        if (n < 20) {
            throw new DataException(name + " text has only " + n
                    + " documents (blank-line separated), need at least 20 for a 90/5/5 split");
        }
        int a = (int) Math.round(n * 0.90);
        int b = (int) Math.round(n * 0.95);
        return new String[][] {{String.join("\n\n", docs.subList(0, a))},
            {String.join("\n\n", docs.subList(a, b))}, {String.join("\n\n", docs.subList(b, n))}};
    }

    /** @return the training text */
    public String train() {
        return train;
    }

    /** @return the validation text */
    public String validation() {
        return validation;
    }

    /** @return the test text */
    public String test() {
        return test;
    }

    /** @return the number of symbols: the training characters plus the unknown symbol */
    public int vocabSize() {
        return vocab.length;
    }

    /** @return the character of each index ({@code '?'} for {@link #UNKNOWN}), a copy */
    public char[] vocab() {
        return vocab.clone();
    }

    /** @return the index of every character of {@code text} ({@link #UNKNOWN} if not in the vocabulary) */
    public int[] encode(String text) {
        int[] out = new int[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = index[text.charAt(i)];
        }
        return out;
    }

    /** @return the text of a sequence of indices */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocab.length) {
                throw new IllegalArgumentException("index " + id + " is outside the vocabulary [0, " + vocab.length + ")");
            }
            sb.append(vocab[id]);
        }
        return sb.toString();
    }
}
