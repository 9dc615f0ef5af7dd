package org.nnzoo.viz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small HTML table for {@link Show#show}, built row by row (cells are escaped):
 * <pre>
 * HtmlTable t = new HtmlTable("class", "papers");
 * t.row("Theory", 351);
 * Show.show(t.html());
 * </pre>
 */
public final class HtmlTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param header the column titles (none: a table without a header row) */
    public HtmlTable(String... header) {
        this.header = List.of(header);
    }

    /**
     * Adds a row.
     *
     * @param cells one value per column, shown with {@code String.valueOf}
     * @return this table
     */
    public HtmlTable row(Object... cells) {
        if (!header.isEmpty() && cells.length != header.size()) {
            throw new IllegalArgumentException("the table has " + header.size() + " columns, the row " + cells.length);
        }
        List<String> row = new ArrayList<>();
        for (Object c : cells) {
            row.add(String.valueOf(c));
        }
        rows.add(row);
        return this;
    }

    /** @return the number of rows added */
    public int rowCount() {
        return rows.size();
    }

    /** @return the table as HTML */
    public String html() {
        StringBuilder sb = new StringBuilder("<table>");
        if (!header.isEmpty()) {
            sb.append("<tr>");
            for (String h : header) {
                sb.append("<th>").append(Tables.escape(h)).append("</th>");
            }
            sb.append("</tr>");
        }
        for (List<String> row : rows) {
            sb.append("<tr>");
            for (String c : row) {
                sb.append("<td style=\"padding:2px 10px\">").append(Tables.escape(c)).append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</table>").toString();
    }

    @Override
    public String toString() {
        return html();
    }

    /**
     * @param values a {@code rows x cols} matrix, row-major
     * @param format the format of each value, e.g. {@code "%.3f"}
     * @return the matrix as an HTML table without a header
     */
    public static String matrix(float[] values, int rows, int cols, String format) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(values.length + " values are not a " + rows + " x " + cols + " matrix");
        }
        HtmlTable t = new HtmlTable();
        for (int i = 0; i < rows; i++) {
            Object[] row = new Object[cols];
            for (int j = 0; j < cols; j++) {
                row[j] = String.format(Locale.ROOT, format, values[i * cols + j]);
            }
            t.row(row);
        }
        return t.html();
    }
}
