package org.nnzoo.viz;

import java.util.Locale;

import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Renders tablesaw tables as HTML for notebooks (tablesaw has no renderer of its own). */
public final class Tables {

    private Tables() {
    }

    /**
     * @param table the table; numbers are shown with 4 significant decimals
     * @return an HTML {@code <table>} with a caption holding the table name
     */
    public static String toHtml(Table table) {
        StringBuilder sb = new StringBuilder("<table style=\"border-collapse:collapse;font-family:monospace\">");
        if (table.name() != null && !table.name().isBlank()) {
            sb.append("<caption style=\"text-align:left;font-weight:bold\">").append(escape(table.name())).append("</caption>");
        }
        sb.append("<thead><tr>");
        for (String name : table.columnNames()) {
            sb.append("<th style=\"border-bottom:1px solid #888;padding:2px 8px\">").append(escape(name)).append("</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (int r = 0; r < table.rowCount(); r++) {
            sb.append("<tr>");
            for (Column<?> c : table.columns()) {
                sb.append("<td style=\"padding:2px 8px;text-align:right\">").append(escape(format(c.get(r)))).append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    static String format(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                return "";
            }
            return String.format(Locale.ROOT, Math.abs(d) >= 1000 ? "%.1f" : "%.4f", d);
        }
        return v == null ? "" : v.toString();
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
