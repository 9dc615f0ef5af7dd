package org.nnzoo.models.word2vec;

/**
 * The random numbers of word2vec.c and gensim: the 48-bit linear congruential generator
 * {@code x' = (25214903917 x + 11) mod 2^48} (the constants of {@code java.util.Random}). Each training job
 * starts from its own state, {@link #seed mixed} from (seed, epoch, job), so what a job draws does not
 * depend on which thread runs it or when.
 */
final class Lcg {

    private Lcg() {
    }

    /** @return the state after {@code x} */
    static long next(long x) {
        return (x * 25214903917L + 11) & 0xFFFFFFFFFFFFL;
    }

    /** @return a 48-bit starting state mixed from two numbers (SplitMix64's finaliser) */
    static long seed(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0xFFFFFFFFFFFFL;
    }
}
