package org.nnzoo.models.word2vec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary (the words seen at least {@code minCount} times, most frequent first) and the two tables
 * made from its counts: the subsampling probabilities ({@link #keepProbabilities}) and the noise
 * distribution ({@link #noiseTable}).
 */
final class Vocabulary {
    final String[] words;
    final long[] counts;
    final Map<String, Integer> index;

    private Vocabulary(String[] words, long[] counts) {
        this.words = words;
        this.counts = counts;
        this.index = new HashMap<>(words.length * 2);
        for (int i = 0; i < words.length; i++) {
            index.put(words[i], i);
        }
    }

    /**
     * @param sentences the corpus, one token array per sentence
     * @param minCount  words seen fewer times are left out
     * @return the vocabulary, most frequent first (ties in first-seen order)
     * @throws IllegalArgumentException on null sentences or tokens, an empty corpus, or a {@code minCount}
     *     that removes every word
     */
    static Vocabulary build(List<String[]> sentences, int minCount) {
        Map<String, long[]> c = new LinkedHashMap<>();
        long raw = 0;
        for (String[] s : sentences) {
            if (s == null) {
                throw new IllegalArgumentException("sentences holds a null sentence; pass token arrays");
            }
            for (String w : s) {
                if (w == null) {
                    throw new IllegalArgumentException("a sentence holds a null token; pass non-null tokens");
                }
                c.computeIfAbsent(w, k -> new long[1])[0]++;
                raw++;
            }
        }
        if (raw == 0) {
            throw new IllegalArgumentException("sentences holds " + sentences.size() + " sentences but no tokens:"
                    + " Word2Vec needs a non-empty corpus");
        }
        List<Map.Entry<String, long[]>> kept = new ArrayList<>();
        Map.Entry<String, long[]> top = null;
        for (Map.Entry<String, long[]> e : c.entrySet()) {
            if (top == null || e.getValue()[0] > top.getValue()[0]) {
                top = e;
            }
            if (e.getValue()[0] >= minCount) {
                kept.add(e);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("minCount=" + minCount + " removes every word: the corpus has "
                    + c.size() + " distinct tokens and the most frequent, '" + top.getKey() + "', occurs "
                    + top.getValue()[0] + " times. Lower minCount or use a larger corpus.");
        }
        kept.sort((a, b) -> Long.compare(b.getValue()[0], a.getValue()[0]));  // stable: ties keep first-seen order
        String[] w = new String[kept.size()];
        long[] n = new long[kept.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = kept.get(i).getKey();
            n[i] = kept.get(i).getValue()[0];
        }
        return new Vocabulary(w, n);
    }

    /** @return the sentence as word indices, tokens outside the vocabulary dropped */
    int[] encode(String[] sentence) {
        int[] ids = new int[sentence.length];
        int n = 0;
        for (String w : sentence) {
            Integer id = index.get(w);
            if (id != null) {
                ids[n++] = id;
            }
        }
        return Arrays.copyOf(ids, n);
    }

    /**
     * Frequent-word subsampling, gensim's form: with {@code f(w) = count_w / N} ({@code N} the vocabulary's
     * tokens) and threshold {@code s}, an occurrence of {@code w} is kept with probability
     * {@code min(1, (sqrt(f(w) / s) + 1) s / f(w))}.
     *
     * @param sample the threshold {@code s} (0: keep every word)
     * @return the probability of keeping each word
     */
    float[] keepProbabilities(double sample) {
        float[] keep = new float[words.length];
        long retained = 0;
        for (long c : counts) {
            retained += c;
        }
        double threshold = sample * retained;
        for (int i = 0; i < words.length; i++) {
            double c = counts[i];
            keep[i] = sample == 0 ? 1f : (float) Math.min(1, (Math.sqrt(c / threshold) + 1) * threshold / c);
        }
        return keep;
    }

    /**
     * @param exponent the exponent {@code e} of {@code P(w) ~ count_w^e} (0.75)
     * @return the noise distribution as an alias table
     */
    NoiseTable noiseTable(double exponent) {
        return NoiseTable.of(counts, exponent);
    }
}
