package org.nnzoo.models.word2vec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The word vectors scaled to unit length, where the dot product is the cosine similarity, and the searches
 * {@link Word2Vec}'s queries run on them: the {@code k} rows nearest to a query vector.
 */
final class UnitVectors {
    private final String[] words;
    private final int dim;
    private final float[] unit;

    /** @param vectors the word vectors, row after row ({@code words.length x dim}; not changed) */
    UnitVectors(String[] words, float[] vectors, int dim) {
        this.words = words;
        this.dim = dim;
        this.unit = vectors.clone();
        for (int i = 0; i < words.length; i++) {
            normalise(unit, i * dim, dim);
        }
    }

    /** @return the cosine similarity of words {@code a} and {@code b} */
    double cosine(int a, int b) {
        return Word2Vec.dot(unit, a * dim, unit, b * dim, dim);
    }

    /** @return a copy of word {@code i}'s unit vector */
    float[] row(int i) {
        return Arrays.copyOfRange(unit, i * dim, (i + 1) * dim);
    }

    /** @return {@code unit(b) - unit(a) + unit(c)}, normalised: the query of "a is to b as c is to ?" */
    float[] analogyQuery(int a, int b, int c) {
        float[] q = new float[dim];
        Word2Vec.axpy(-1f, unit, a * dim, q, 0, dim);
        Word2Vec.axpy(1f, unit, b * dim, q, 0, dim);
        Word2Vec.axpy(1f, unit, c * dim, q, 0, dim);
        normalise(q, 0, dim);
        return q;
    }

    /**
     * @param q       a unit query vector
     * @param k       how many
     * @param exclude words left out (the query words)
     * @return the {@code k} words with the largest cosine to {@code q}, largest first
     */
    List<Word2Vec.Neighbour> nearest(float[] q, int k, int[] exclude) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        int kk = Math.min(k, words.length - exclude.length);
        int[] best = new int[kk];
        float[] bestSim = new float[kk];
        Arrays.fill(bestSim, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        outer:
        for (int w = 0; w < words.length; w++) {
            for (int e : exclude) {
                if (w == e) {
                    continue outer;
                }
            }
            float s = Word2Vec.dot(q, 0, unit, w * dim, dim);
            if (kk == 0 || s <= bestSim[kk - 1]) {
                continue;
            }
            int p = kk - 1;
            while (p > 0 && bestSim[p - 1] < s) {
                bestSim[p] = bestSim[p - 1];
                best[p] = best[p - 1];
                p--;
            }
            bestSim[p] = s;
            best[p] = w;
        }
        List<Word2Vec.Neighbour> out = new ArrayList<>();
        for (int i = 0; i < kk; i++) {
            out.add(new Word2Vec.Neighbour(words[best[i]], bestSim[i]));
        }
        return Collections.unmodifiableList(out);
    }

    private static void normalise(float[] a, int off, int n) {
        double norm = Math.sqrt(Word2Vec.dot(a, off, a, off, n));
        if (norm > 0) {
            for (int i = 0; i < n; i++) {
                a[off + i] = (float) (a[off + i] / norm);
            }
        }
    }
}
