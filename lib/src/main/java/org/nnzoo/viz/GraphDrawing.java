package org.nnzoo.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * Draws a small graph with weighted edges (a grown network, a plastic network) with Java2D: nodes as labelled
 * discs, edges as lines whose colour is the weight's sign (blue positive, red negative) and whose width and
 * opacity grow with |w|; self-loops as small circles, directed edges with an arrow head.
 *
 * <p>Positions come from {@link #layout}, a Fruchterman-Reingold force layout (deterministic for a seed) in
 * which some nodes can be pinned (inputs on the left, outputs on the right), so that the same positions can be
 * reused for every stage of a growing graph.
 */
public final class GraphDrawing {

    /** Colour of positive weights. */
    public static final Color POSITIVE = new Color(0x4E79A7);
    /** Colour of negative weights. */
    public static final Color NEGATIVE = new Color(0xE15759);

    private GraphDrawing() {
    }

    /**
     * A force-directed layout in the unit square.
     *
     * @param n      number of nodes
     * @param edges  pairs {i, j}
     * @param pinned for each node its fixed position {x, y} in [0, 1]^2, or null for a free node (the array may
     *               be null: all free)
     * @param seed   seed of the free nodes' start positions
     * @return {x, y} per node, in [0, 1]^2
     */
    public static double[][] layout(int n, int[][] edges, double[][] pinned, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("n must not be negative, got " + n);
        }
        SplittableRandom r = new SplittableRandom(seed);
        double[][] pos = new double[n][2];
        boolean[] fixed = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (pinned != null && i < pinned.length && pinned[i] != null) {
                pos[i] = pinned[i].clone();
                fixed[i] = true;
            } else {
                pos[i][0] = 0.2 + 0.6 * r.nextDouble();
                pos[i][1] = 0.1 + 0.8 * r.nextDouble();
            }
        }
        if (n < 2) {
            return pos;
        }
        double k = Math.sqrt(1.0 / n);                       // ideal edge length
        double temp = 0.1;
        double[][] disp = new double[n][2];
        for (int it = 0; it < 300; it++) {
            for (double[] dd : disp) {
                dd[0] = 0;
                dd[1] = 0;
            }
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double dx = pos[i][0] - pos[j][0];
                    double dy = pos[i][1] - pos[j][1];
                    double dist = Math.max(1e-4, Math.hypot(dx, dy));
                    double f = k * k / dist;                  // repulsion k^2 / d
                    disp[i][0] += dx / dist * f;
                    disp[i][1] += dy / dist * f;
                    disp[j][0] -= dx / dist * f;
                    disp[j][1] -= dy / dist * f;
                }
            }
            for (int[] e : edges) {
                if (e[0] == e[1]) {
                    continue;
                }
                double dx = pos[e[0]][0] - pos[e[1]][0];
                double dy = pos[e[0]][1] - pos[e[1]][1];
                double dist = Math.max(1e-4, Math.hypot(dx, dy));
                double f = dist * dist / k;                   // attraction d^2 / k
                disp[e[0]][0] -= dx / dist * f;
                disp[e[0]][1] -= dy / dist * f;
                disp[e[1]][0] += dx / dist * f;
                disp[e[1]][1] += dy / dist * f;
            }
            for (int i = 0; i < n; i++) {
                if (fixed[i]) {
                    continue;
                }
                double len = Math.max(1e-9, Math.hypot(disp[i][0], disp[i][1]));
                double step = Math.min(len, temp);
                pos[i][0] = clamp(pos[i][0] + disp[i][0] / len * step, 0.12, 0.88);
                pos[i][1] = clamp(pos[i][1] + disp[i][1] / len * step, 0.06, 0.94);
            }
            temp *= 0.985;
        }
        return pos;
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /**
     * Draws a graph.
     *
     * @param title    text above the drawing (may be null)
     * @param n        number of nodes drawn (nodes 0..n-1; positions may hold more)
     * @param edges    pairs {i, j}; i == j is a self-loop
     * @param weights  one weight per edge (colour and width), or null for grey edges of one width
     * @param pos      {x, y} in [0, 1]^2 per node
     * @param fills    fill colour per node (null entries: light grey)
     * @param labels   text inside each node (null entries: the node's number)
     * @param directed draw arrow heads at j
     * @param size     width and height of the drawing area in pixels
     */
    public static BufferedImage draw(String title, int n, int[][] edges, double[] weights, double[][] pos, Color[] fills,
                                     String[] labels, boolean directed, int size) {
        if (weights != null && weights.length != edges.length) {
            throw new IllegalArgumentException("one weight per edge: " + edges.length + " edges, " + weights.length + " weights");
        }
        if (pos.length < n) {
            throw new IllegalArgumentException("positions for " + pos.length + " nodes, " + n + " to draw");
        }
        int top = title == null ? 0 : 24;
        BufferedImage img = new BufferedImage(size, size + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        if (title != null) {
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, Math.max(4, (size - fm.stringWidth(title)) / 2), 17);
        }
        double radius = Math.max(7, Math.min(14, size / (3.0 * Math.sqrt(Math.max(1, n)) + 8)));
        double maxW = 0;
        if (weights != null) {
            for (double w : weights) {
                maxW = Math.max(maxW, Math.abs(w));
            }
        }
        for (int e = 0; e < edges.length; e++) {
            int i = edges[e][0];
            int j = edges[e][1];
            if (i >= n || j >= n) {
                continue;
            }
            double w = weights == null ? 0 : weights[e];
            double rel = weights == null || maxW == 0 ? 0.5 : Math.abs(w) / maxW;
            Color base = weights == null ? Color.GRAY : (w >= 0 ? POSITIVE : NEGATIVE);
            g.setColor(new Color(base.getRed(), base.getGreen(), base.getBlue(), (int) Math.round(60 + 195 * rel)));
            g.setStroke(new BasicStroke((float) (0.8 + 3.5 * rel), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            double x1 = pos[i][0] * size;
            double y1 = top + pos[i][1] * size;
            if (i == j) {
                double lr = radius * 0.9;
                g.draw(new Ellipse2D.Double(x1 - lr, y1 - radius - 2 * lr + 2, 2 * lr, 2 * lr));
                continue;
            }
            double x2 = pos[j][0] * size;
            double y2 = top + pos[j][1] * size;
            g.draw(new Line2D.Double(x1, y1, x2, y2));
            if (directed) {
                double len = Math.max(1e-9, Math.hypot(x2 - x1, y2 - y1));
                double ux = (x2 - x1) / len;
                double uy = (y2 - y1) / len;
                double tipX = x2 - ux * radius;
                double tipY = y2 - uy * radius;
                double head = 7;
                Path2D.Double arrow = new Path2D.Double();
                arrow.moveTo(tipX, tipY);
                arrow.lineTo(tipX - ux * head - uy * head * 0.5, tipY - uy * head + ux * head * 0.5);
                arrow.lineTo(tipX - ux * head + uy * head * 0.5, tipY - uy * head - ux * head * 0.5);
                arrow.closePath();
                g.fill(arrow);
            }
        }
        g.setStroke(new BasicStroke(1.2f));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, (int) Math.max(9, Math.round(radius * 0.9))));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < n; i++) {
            double x = pos[i][0] * size;
            double y = top + pos[i][1] * size;
            Color fill = fills != null && i < fills.length && fills[i] != null ? fills[i] : new Color(0xDDDDDD);
            g.setColor(fill);
            g.fill(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
            g.setColor(Color.DARK_GRAY);
            g.draw(new Ellipse2D.Double(x - radius, y - radius, 2 * radius, 2 * radius));
            String label = labels != null && i < labels.length && labels[i] != null ? labels[i] : Integer.toString(i);
            g.setColor(Color.BLACK);
            g.drawString(label, (float) (x - fm.stringWidth(label) / 2.0), (float) (y + fm.getAscent() / 2.0 - 1));
        }
        g.dispose();
        return img;
    }
}
