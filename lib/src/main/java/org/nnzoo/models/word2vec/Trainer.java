package org.nnzoo.models.word2vec;

import java.util.List;

/**
 * Word2Vec's hyper-parameters, with gensim 4's names and defaults, and {@link #train}, which builds the
 * vocabulary ({@code Vocabulary}) and runs the training threads ({@code Hogwild}). Made by
 * {@link Word2Vec#skipGram()} or {@link Word2Vec#cbow()}.
 */
public final class Trainer {
    final Word2Vec.Architecture architecture;
    int vectorSize = 100;
    int window = 5;
    int minCount = 5;
    int negative = 5;
    double nsExponent = 0.75;
    double sample = 1e-3;
    double alpha = 0.025;
    double minAlpha = 1e-4;
    int epochs = 5;
    long seed = 1;
    int workers = 1;
    String title;
    boolean progress = true;

    Trainer(Word2Vec.Architecture architecture) {
        this.architecture = architecture;
    }

    /** @param n dimension of the word vectors (gensim {@code vector_size}, default 100) */
    public Trainer vectorSize(int n) {
        this.vectorSize = positive(n, "vectorSize");
        return this;
    }

    /** @param n largest distance between centre and context word (default 5) */
    public Trainer window(int n) {
        this.window = positive(n, "window");
        return this;
    }

    /** @param n words seen fewer times are dropped from the vocabulary (default 5) */
    public Trainer minCount(int n) {
        this.minCount = positive(n, "minCount");
        return this;
    }

    /** @param n noise words per positive example (default 5) */
    public Trainer negative(int n) {
        this.negative = positive(n, "negative");
        return this;
    }

    /** @param e exponent of the noise distribution {@code count^e} (default 0.75) */
    public Trainer nsExponent(double e) {
        this.nsExponent = e;
        return this;
    }

    /** @param t subsampling threshold (default 1e-3; 0 switches subsampling off) */
    public Trainer sample(double t) {
        if (t < 0) {
            throw new IllegalArgumentException("sample must be >= 0 (0 = no subsampling), got " + t);
        }
        this.sample = t;
        return this;
    }

    /**
     * @param start initial learning rate (default 0.025)
     * @param end   final learning rate, reached linearly at the end of the last epoch (default 1e-4)
     */
    public Trainer alpha(double start, double end) {
        if (!(start > 0) || end < 0 || end > start) {
            throw new IllegalArgumentException("need 0 <= end <= start and start > 0 for the learning rate, got start "
                    + start + ", end " + end);
        }
        this.alpha = start;
        this.minAlpha = end;
        return this;
    }

    /** @param n passes over the corpus (default 5) */
    public Trainer epochs(int n) {
        this.epochs = positive(n, "epochs");
        return this;
    }

    /** @param s seed of the initial vectors and of all random draws */
    public Trainer seed(long s) {
        this.seed = s;
        return this;
    }

    /** @param n training threads; 1 (default) is deterministic, more is faster but not reproducible */
    public Trainer workers(int n) {
        this.workers = positive(n, "workers");
        return this;
    }

    /** @param t heading of the progress view */
    public Trainer title(String t) {
        this.title = t;
        return this;
    }

    /** @param on whether to show progress (notebook view or one line per epoch); default on */
    public Trainer progress(boolean on) {
        this.progress = on;
        return this;
    }

    /**
     * Builds the vocabulary and trains.
     *
     * @param sentences the corpus, one token array per sentence
     * @return the trained vectors
     * @throws IllegalArgumentException if the corpus is empty or {@code minCount} removes every word
     */
    public Word2Vec train(List<String[]> sentences) {
        if (sentences == null || sentences.isEmpty()) {
            throw new IllegalArgumentException("sentences is empty: Word2Vec needs a corpus of token arrays,"
                    + " e.g. Abc.load().lowerCasedSentences()");
        }
        return new Hogwild(this, Vocabulary.build(sentences, minCount), sentences).train();
    }

    private static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be >= 1, got " + n);
        }
        return n;
    }
}
