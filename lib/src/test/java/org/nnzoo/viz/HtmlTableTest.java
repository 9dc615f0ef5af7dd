package org.nnzoo.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link HtmlTable}: rows in order, cells escaped, the column count checked. */
class HtmlTableTest {

    @Test
    void buildsEscapedRows() {
        HtmlTable t = new HtmlTable("name", "n").row("a<b", 3).row("c", 4.5);
        assertEquals(2, t.rowCount());
        assertEquals("<table><tr><th>name</th><th>n</th></tr>"
                + "<tr><td style=\"padding:2px 10px\">a&lt;b</td><td style=\"padding:2px 10px\">3</td></tr>"
                + "<tr><td style=\"padding:2px 10px\">c</td><td style=\"padding:2px 10px\">4.5</td></tr></table>", t.html());
        assertEquals(t.html(), t.toString());
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
    }

    @Test
    void matrixHasOneRowPerMatrixRow() {
        String html = HtmlTable.matrix(new float[] {1, 0.5f, 0, 0.25f}, 2, 2, "%.2f");
        assertEquals("<table><tr><td style=\"padding:2px 10px\">1.00</td><td style=\"padding:2px 10px\">0.50</td></tr>"
                + "<tr><td style=\"padding:2px 10px\">0.00</td><td style=\"padding:2px 10px\">0.25</td></tr></table>", html);
        assertThrows(IllegalArgumentException.class, () -> HtmlTable.matrix(new float[3], 2, 2, "%.2f"));
    }
}
