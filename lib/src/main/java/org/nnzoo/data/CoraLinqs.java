package org.nnzoo.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reads Cora's original LINQS text files ({@code cora.content}, {@code cora.cites}) into a {@link Cora} without
 * a split (the LINQS release has none; {@link Cora#linqs()} draws one). Every malformed line is an error that
 * names the file and the line.
 */
final class CoraLinqs {

    private CoraLinqs() {
    }

    /**
     * Reads the LINQS text files, without checking the standard counts; the split is empty (see
     * {@link Cora#withRandomSplit}).
     *
     * @param content {@code cora.content}: {@code <paper id> <1433 binary values> <class>} per line, tab-separated
     * @param cites   {@code cora.cites}: {@code <cited id> <citing id>} per line
     * @throws DataException naming the file and line, for a malformed line, an unknown class, a duplicate
     *     paper id or a citation of an id that is not in the content file
     */
    static Cora read(Path content, Path cites) {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labs = new ArrayList<>();
        Map<String, Integer> ids = new HashMap<>();
        int fields = -1;
        for (Line line : nonBlankLines(content)) {
            int no = line.number();
            String[] parts = line.text().split("\t");
            if (fields < 0) {
                fields = parts.length;
                if (fields < 3) {
                    throw new DataException(content + " line 1 has " + fields + " tab-separated fields; expected"
                            + " <paper id>, the word features and <class>. Is this cora.content?");
                }
            } else if (parts.length != fields) {
                throw new DataException(content + " line " + no + " has " + parts.length + " fields but line 1 has "
                        + fields + " (" + (fields - 2) + " features): the feature rows do not match. The file is"
                        + " damaged or edited; replace it with the original cora.content.");
            }
            float[] row = new float[fields - 2];
            for (int j = 0; j < row.length; j++) {
                String v = parts[j + 1];
                if (v.equals("1")) {
                    row[j] = 1f;
                } else if (!v.equals("0")) {
                    throw new DataException(content + " line " + no + ", feature " + (j + 1) + " is '" + v
                            + "'; Cora's word features are 0 or 1.");
                }
            }
            int cls = Cora.CLASS_NAMES.indexOf(parts[fields - 1].trim());
            if (cls < 0) {
                throw new DataException(content + " line " + no + " has the unknown class '" + parts[fields - 1]
                        + "'; expected one of " + Cora.CLASS_NAMES);
            }
            if (ids.put(parts[0], rows.size()) != null) {
                throw new DataException(content + " line " + no + " repeats paper id " + parts[0]
                        + "; every paper must appear once.");
            }
            rows.add(row);
            labs.add(cls);
        }
        if (rows.isEmpty()) {
            throw new DataException(content + " holds no papers.");
        }
        int n = rows.size();
        int f = fields - 2;
        float[] feat = new float[n * f];
        int[] lab = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows.get(i), 0, feat, i * f, f);
            lab[i] = labs.get(i);
        }
        Cora.rowNormalise(feat, n, f);
        TreeSet<Long> pairs = new TreeSet<>();
        for (Line line : nonBlankLines(cites)) {
            int no = line.number();
            String[] parts = line.text().trim().split("\\s+");
            if (parts.length != 2) {
                throw new DataException(cites + " line " + no + " has " + parts.length
                        + " fields; expected <cited paper id> <citing paper id>.");
            }
            Integer a = ids.get(parts[0]);
            Integer b = ids.get(parts[1]);
            if (a == null || b == null) {
                throw new DataException(cites + " line " + no + " is a dangling edge: paper id "
                        + (a == null ? parts[0] : parts[1]) + " is not in " + content
                        + ". The two files must come from the same release.");
            }
            Cora.addUndirected(pairs, a, b);
        }
        return new Cora("linqs", n, f, feat, lab, Cora.unpack(pairs), new int[0], new int[0], new int[0]);
    }

    /** A line of a text file and its number (1-based). */
    private record Line(int number, String text) {
    }

    /** @return the lines of {@code file} that are not blank, with their line numbers */
    private static List<Line> nonBlankLines(Path file) {
        List<String> lines = Cora.readLines(file);
        List<Line> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                out.add(new Line(i + 1, lines.get(i)));
            }
        }
        return out;
    }
}
