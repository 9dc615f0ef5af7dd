package org.nnzoo.train;

import org.nnzoo.data.AbcChars;
import org.nnzoo.viz.Tables;

/**
 * The text of the character language models of chapters 5, 6, 7 and 9: the ABC corpus ({@link AbcChars}) with
 * its training, validation and test parts encoded as vocabulary indices, so that every chapter starts from the
 * same arrays with one call instead of a copy of the same cell.
 */
public final class CharCorpus {

    private final AbcChars abc;
    private final int[] train;
    private final int[] validation;
    private final int[] test;

    /** Encodes the three parts of {@code abc}. */
    public CharCorpus(AbcChars abc) {
        this.abc = abc;
        this.train = abc.encode(abc.train());
        this.validation = abc.encode(abc.validation());
        this.test = abc.encode(abc.test());
    }

    /** @return the ABC corpus from the data folder ({@link AbcChars#load()}), encoded */
    public static CharCorpus load() {
        return new CharCorpus(AbcChars.load());
    }

    /** @return the corpus: vocabulary, {@code encode} and {@code decode} */
    public AbcChars abc() {
        return abc;
    }

    /** @return the training text as vocabulary indices */
    public int[] train() {
        return train;
    }

    /** @return the validation text as vocabulary indices */
    public int[] validation() {
        return validation;
    }

    /** @return the test text as vocabulary indices */
    public int[] test() {
        return test;
    }

    /** @return the number of symbols (the characters of the training text and "unknown") */
    public int vocabSize() {
        return abc.vocabSize();
    }

    /** @return one line: the characters of each part, the vocabulary size and its log2 (a uniform guess's bits) */
    public String summary() {
        return String.format("characters: train %,d, validation %,d, test %,d; vocabulary %d symbols (log2 V = %.2f bits)",
                train.length, validation.length, test.length, vocabSize(), Math.log(vocabSize()) / Math.log(2));
    }

    /** @return the first {@code chars} characters of the training text as an HTML block, for a look at the data */
    public String preview(int chars) {
        String text = abc.train();
        return "<pre style='white-space:pre-wrap'>" + Tables.escape(text.substring(0, Math.min(chars, text.length()))) + " ...</pre>";
    }
}
