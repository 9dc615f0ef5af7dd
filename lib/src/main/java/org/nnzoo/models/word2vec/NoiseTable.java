package org.nnzoo.models.word2vec;

/**
 * The noise distribution {@code P(w) = count_w^e / sum_v count_v^e} as a Walker/Vose alias table: two
 * arrays of the vocabulary's length, from which one draw costs two array reads whatever the vocabulary
 * size (word2vec.c uses a 10^8-entry table, gensim a cumulative table with binary search; all three
 * sample the same distribution, the alias table exactly and the fastest here).
 *
 * @param threshold {@code threshold[i] / 2^24}: probability of keeping column {@code i}
 * @param alias     the word that fills the rest of column {@code i}
 */
public record NoiseTable(int[] threshold, int[] alias) {

    /**
     * @param counts   word counts (all positive)
     * @param exponent the exponent {@code e} (0.75)
     * @return the table
     */
    public static NoiseTable of(long[] counts, double exponent) {
        int n = counts.length;
        if (n == 0) {
            throw new IllegalArgumentException("counts is empty: the noise table needs at least one word");
        }
        double total = 0;
        for (long c : counts) {
            if (c <= 0) {
                throw new IllegalArgumentException("counts must be positive, got " + c);
            }
            total += Math.pow(c, exponent);
        }
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = Math.pow(counts[i], exponent) / total * n;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        int[] threshold = new int[n];
        int[] alias = new int[n];
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            threshold[s] = (int) Math.round(scaled[s] * (1 << 24));
            alias[s] = l;
            scaled[l] -= 1 - scaled[s];
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        while (nl > 0) {
            int l = large[--nl];
            threshold[l] = 1 << 24;
            alias[l] = l;
        }
        while (ns > 0) {  // rounding leftovers: probability ~1
            int s = small[--ns];
            threshold[s] = 1 << 24;
            alias[s] = s;
        }
        return new NoiseTable(threshold, alias);
    }

    /**
     * @param r1 a random number whose bits 16..47 are uniform (picks the column)
     * @param r2 a random number whose bits 24..47 are uniform (picks the word in the column)
     * @return a word index drawn from the noise distribution
     */
    public int sample(long r1, long r2) {
        int i = (int) ((((r1 >>> 16) & 0xFFFFFFFFL) * threshold.length) >>> 32);
        return ((int) ((r2 >>> 24) & 0xFFFFFF)) < threshold[i] ? i : alias[i];
    }

    /** @return the probability of each word under this table (for checks) */
    public double[] probabilities() {
        int n = threshold.length;
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double keep = threshold[i] / (double) (1 << 24);
            p[i] += keep / n;
            p[alias[i]] += (1 - keep) / n;
        }
        return p;
    }
}
