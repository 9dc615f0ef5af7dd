package org.nnzoo.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The NLTK {@code abc} corpus: Australian Broadcasting Commission 2006 news, {@code rural.txt} (ABC Rural
 * News) and {@code science.txt} (ABC Science News), about 767k words, as NLTK loads it with
 * {@code nltk.corpus.abc}.
 *
 * <p><b>Encoding.</b> As in NLTK's corpus definition, {@code rural.txt} is read as UTF-8 and
 * {@code science.txt} as Latin-1 (it is not valid UTF-8); science has CRLF line ends, which are removed.
 * Decoding is strict: a byte that is not valid UTF-8 in {@code rural.txt}, or a {@code science.txt} that
 * is valid UTF-8 with non-ASCII text (re-encoded), is an error naming the file and line, never replaced.
 * Each file may hold at most {@link #MAX_PART_BYTES} (NLTK's are about 2 MB).
 *
 * <p><b>Tokenisation.</b> NLTK's {@code abc.words()} uses the {@code WordPunctTokenizer}, the regular
 * expression {@code \w+|[^\w\s]+} in Python's Unicode mode: a token is a run of word characters, or a run
 * of characters that are neither word characters nor white space (so {@code "don't"} gives {@code don},
 * {@code '}, {@code t}). {@link #tokenize} implements that with Python's character classes (word: a
 * letter, a number of any kind, or {@code _}; space: what {@code str.isspace()} accepts), which Java's
 * {@code \w} does not match exactly (e.g. for {@code ²}). On the full corpus this gives NLTK's 766,811
 * words (checked by {@code environment/bench-word2vec.sh}).
 *
 * <p><b>Sentences.</b> Both files hold one sentence or headline per line, stories separated by blank
 * lines. {@link #sentences} returns one token list per non-blank line. (NLTK's {@code abc.sents()} runs the
 * Punkt sentence splitter instead, which needs the separately downloaded {@code punkt} model; the word
 * stream is the same, only a few line-internal sentence boundaries differ.)
 *
 * <p><b>Source.</b> {@code abc.zip} exactly as NLTK's downloader serves it (pinned SHA-256), found in the
 * data home or downloaded; {@link #fromFolder} reads an unpacked copy (NLTK's {@code corpora/abc/}).
 */
public final class Abc {

    /** The two files, with the encoding NLTK reads them with. */
    public enum Part {
        /** ABC Rural News, UTF-8, LF line ends. */
        RURAL("rural.txt", StandardCharsets.UTF_8),
        /** ABC Science News, Latin-1, CRLF line ends. */
        SCIENCE("science.txt", StandardCharsets.ISO_8859_1);

        private final String fileName;
        private final Charset charset;

        Part(String fileName, Charset charset) {
            this.fileName = fileName;
            this.charset = charset;
        }

        /** @return the file name inside the corpus folder, e.g. {@code rural.txt} */
        public String fileName() {
            return fileName;
        }

        /** @return the encoding NLTK reads the file with */
        public Charset charset() {
            return charset;
        }
    }

    /** NLTK's package file: nltk_data {@code packages/corpora/abc.zip}, 1,487,851 bytes. */
    public static final RemoteFile ZIP = new RemoteFile("abc.zip",
            List.of("https://raw.githubusercontent.com/nltk/nltk_data/gh-pages/packages/corpora/abc.zip"),
            "129bb6001beb828049a90a59b7dd3c2f0594a47012e48fc5177dfae38e658565", 1_487_851);

    /** The largest file read from the corpus: 64 MiB (NLTK's are 1.8 and 2.2 MB). */
    static final int MAX_PART_BYTES = 64 << 20;

    private final String source;
    private final Map<Part, List<String[]>> sentences;

    private Abc(String source, Map<Part, List<String[]>> sentences) {
        this.source = source;
        this.sentences = sentences;
    }

    /** @return the corpus from {@code abc.zip}, located (or downloaded) with a default {@link DataLocator} */
    public static Abc load() {
        return load(new DataLocator());
    }

    /**
     * @param locator finds, verifies and if needed downloads {@code abc.zip}
     * @return the corpus
     * @throws DataException if the zip cannot be found, verified or read
     */
    public static Abc load(DataLocator locator) {
        Path zip = locator.locate("abc", List.of(ZIP), List.of()).get(0);
        return fromZip(zip);
    }

    /**
     * Reads NLTK's {@code abc.zip} (members {@code abc/rural.txt}, {@code abc/science.txt}).
     *
     * @param zip the zip file
     * @return the corpus
     * @throws DataException naming the file if it is not such a zip
     */
    public static Abc fromZip(Path zip) {
        if (!Files.isRegularFile(zip)) {
            throw new DataException("The abc corpus zip " + zip + " does not exist. Pass the path of NLTK's abc.zip,"
                    + " or use Abc.load() to find it in the data home.");
        }
        Map<Part, List<String[]>> parts = new LinkedHashMap<>();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (Part p : Part.values()) {
                parts.put(p, parse(readPart(zf, zip, p)));
            }
        } catch (IOException e) {
            throw new DataException("Cannot read the abc corpus zip " + zip + ": " + e
                    + ". Delete it so that it is downloaded again, or replace it with NLTK's abc.zip.", e);
        }
        return new Abc(zip.toString(), parts);
    }

    /**
     * Reads an unpacked corpus folder holding {@code rural.txt} and {@code science.txt} (e.g. NLTK's
     * {@code nltk_data/corpora/abc}).
     *
     * @param dir the folder
     * @return the corpus
     * @throws DataException naming the missing file
     */
    public static Abc fromFolder(Path dir) {
        Map<Part, List<String[]>> parts = new LinkedHashMap<>();
        for (Part p : Part.values()) {
            Path f = dir.resolve(p.fileName());
            if (!Files.isRegularFile(f)) {
                throw new DataException("The abc corpus folder " + dir + " has no " + p.fileName()
                        + ". Pass the folder that holds rural.txt and science.txt (NLTK's corpora/abc),"
                        + " or use Abc.load() to read abc.zip from the data home.");
            }
            parts.put(p, parse(decode(BoundedRead.dataFile(f, MAX_PART_BYTES, ""), p, f.toString())));
        }
        return new Abc(dir.toString(), parts);
    }

    /**
     * Reads one file of the corpus from NLTK's {@code abc.zip}: at most {@link #MAX_PART_BYTES}, decoded
     * strictly (see {@link #decode}).
     *
     * @throws DataException if the member is missing, too large or not in its encoding
     */
    static String readPart(ZipFile zf, Path zip, Part part) throws IOException {
        String member = "abc/" + part.fileName();
        ZipEntry e = zf.getEntry(member);
        if (e == null) {
            throw new DataException("The zip " + zip + " has no member " + member
                    + ": it is not NLTK's abc.zip. Delete it and download it again.");
        }
        String source = zip + " member " + member;
        try (InputStream in = zf.getInputStream(e)) {
            return decode(BoundedRead.all(in, MAX_PART_BYTES, source), part, source);
        }
    }

    /**
     * Decodes one file of the corpus with its encoding, strictly. Latin-1 cannot be malformed (every byte is a
     * character), so a Latin-1 file that holds non-ASCII text and is nevertheless valid UTF-8 is taken to be
     * re-encoded: NLTK's {@code science.txt} is not valid UTF-8.
     *
     * @param source names the file in error messages
     * @throws DataException naming the file and line of the first byte that does not fit
     */
    static String decode(byte[] bytes, Part part, String source) {
        String text = StrictText.decode(bytes, part.charset(), source);
        if (part.charset().equals(StandardCharsets.ISO_8859_1)) {
            int line = firstNonAsciiLine(bytes);
            if (line > 0 && isUtf8(bytes)) {
                throw new DataException(source + " is UTF-8 (see line " + line + "), but NLTK's " + part.fileName()
                        + " is Latin-1: the file was re-encoded (or the two files' encodings were swapped), and"
                        + " reading it would give mojibake. Replace it with the original from NLTK's abc.zip.");
            }
        }
        return text;
    }

    /** @return the 1-based line of the first byte above 0x7f, or 0 if there is none */
    private static int firstNonAsciiLine(byte[] bytes) {
        int line = 1;
        for (byte b : bytes) {
            if (b < 0) {
                return line;
            }
            if (b == '\n') {
                line++;
            }
        }
        return 0;
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)); // a new decoder reports errors
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /** One token list per non-blank line; {@code \r} removed. */
    static List<String[]> parse(String text) {
        List<String[]> out = new ArrayList<>();
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = n;
            }
            String[] tokens = tokenize(text.substring(start, end));
            if (tokens.length > 0) {
                out.add(tokens);
            }
            start = end + 1;
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * NLTK's {@code WordPunctTokenizer}: the regex {@code \w+|[^\w\s]+} with Python's Unicode classes.
     *
     * @param line text without line breaks (a {@code \r} counts as space)
     * @return the tokens, in order
     */
    public static String[] tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = line.length();
        while (i < n) {
            int c = line.codePointAt(i);
            if (isSpace(c)) {
                i += Character.charCount(c);
                continue;
            }
            boolean word = isWord(c);
            int j = i + Character.charCount(c);
            while (j < n) {
                int d = line.codePointAt(j);
                if (isSpace(d) || isWord(d) != word) {
                    break;
                }
                j += Character.charCount(d);
            }
            tokens.add(line.substring(i, j));
            i = j;
        }
        return tokens.toArray(new String[0]);
    }

    /** Python's {@code \w} for str patterns: {@code str.isalnum()} or {@code _}. */
    static boolean isWord(int c) {
        if (c == '_' || Character.isLetter(c)) {
            return true;
        }
        int t = Character.getType(c);
        return t == Character.DECIMAL_DIGIT_NUMBER || t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
    }

    /** Python's {@code \s} for str patterns: {@code str.isspace()}. */
    static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    /** @return where the corpus was read from */
    public String source() {
        return source;
    }

    /** @return the sentences (non-blank lines) of one file, as tokens in their original case */
    public List<String[]> sentences(Part part) {
        return sentences.get(part);
    }

    /** @return all sentences, rural then science (NLTK's file order), tokens in their original case */
    public List<String[]> sentences() {
        List<String[]> all = new ArrayList<>();
        for (Part p : Part.values()) {
            all.addAll(sentences.get(p));
        }
        return all;
    }

    /** @return all sentences with lower-cased tokens ({@code Locale.ROOT}), as in the word2vec recipe */
    public List<String[]> lowerCasedSentences() {
        List<String[]> all = new ArrayList<>();
        for (String[] s : sentences()) {
            String[] t = new String[s.length];
            for (int i = 0; i < s.length; i++) {
                t[i] = s[i].toLowerCase(Locale.ROOT);
            }
            all.add(t);
        }
        return all;
    }

    /** @return the number of tokens in one file (NLTK's {@code len(abc.words(fileid))}) */
    public long tokenCount(Part part) {
        long n = 0;
        for (String[] s : sentences.get(part)) {
            n += s.length;
        }
        return n;
    }

    /** @return the number of tokens in both files (NLTK's {@code len(abc.words())}) */
    public long tokenCount() {
        long n = 0;
        for (Part p : Part.values()) {
            n += tokenCount(p);
        }
        return n;
    }

    /**
     * @param sentences token lists
     * @return each distinct token with its count, in first-seen order
     */
    public static Map<String, Integer> counts(List<String[]> sentences) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String[] s : sentences) {
            for (String w : s) {
                counts.merge(w, 1, Integer::sum);
            }
        }
        return counts;
    }
}
