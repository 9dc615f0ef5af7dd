package org.nnzoo.models.word2vec;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The word2vec text format: a first line {@code "<words> <dimension>"}, then one line per word, the word
 * and its values separated by spaces (word2vec.c {@code -binary 0}, gensim's
 * {@code save_word2vec_format(binary=False)}). Used by {@link Word2Vec#save} and {@link Word2Vec#load}.
 */
final class VectorsFile {

    /** What a file holds: the words and their vectors, row after row. */
    record Read(String[] words, float[] vectors, int dim) {
    }

    private VectorsFile() {
    }

    /** Writes the values as Java's shortest round-trip decimals, so {@link #read} restores them exactly. */
    static void write(Path file, String[] words, float[] vectors, int dim) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(words.length + " " + dim + "\n");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < words.length; i++) {
                sb.setLength(0);
                sb.append(words[i]);
                for (int d = 0; d < dim; d++) {
                    sb.append(' ').append(vectors[i * dim + d]);
                }
                sb.append('\n');
                w.write(sb.toString());
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot write the vectors to " + file + ": " + e, e);
        }
    }

    /** @throws IllegalArgumentException naming the file and line if it is not in that format */
    static Read read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("The vectors file " + file + " does not exist; pass a file written by"
                    + " Word2Vec.save or in the word2vec text format.");
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = r.readLine();
            String[] hp = header == null ? new String[0] : header.trim().split(" ");
            int v;
            int dim;
            try {
                if (hp.length != 2) {
                    throw new NumberFormatException();
                }
                v = Integer.parseInt(hp[0]);
                dim = Integer.parseInt(hp[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line 1 should be '<words> <dimension>' (word2vec text format),"
                        + " found: " + header);
            }
            if (v < 1 || dim < 1) {
                throw new IllegalArgumentException(file + " line 1 announces " + v + " words of dimension " + dim
                        + "; both must be >= 1");
            }
            String[] words = new String[v];
            float[] vectors = new float[v * dim];
            for (int i = 0; i < v; i++) {
                String line = r.readLine();
                if (line == null) {
                    throw new IllegalArgumentException(file + " ends after " + i + " words, but line 1 announces " + v);
                }
                String[] p = line.trim().split(" ");
                if (p.length != dim + 1) {
                    throw new IllegalArgumentException(file + " line " + (i + 2) + " has " + (p.length - 1)
                            + " values, expected " + dim + " (word2vec text format: the word, then the values)");
                }
                words[i] = p[0];
                for (int d = 0; d < dim; d++) {
                    try {
                        vectors[i * dim + d] = Float.parseFloat(p[d + 1]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(file + " line " + (i + 2) + ": '" + p[d + 1] + "' is not a number");
                    }
                }
            }
            return new Read(words, vectors, dim);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot read the vectors file " + file + ": " + e, e);
        }
    }
}
