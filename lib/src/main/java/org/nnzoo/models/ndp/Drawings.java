package org.nnzoo.models.ndp;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

import org.nnzoo.viz.Charts;
import org.nnzoo.viz.GraphDrawing;

/**
 * Pictures of developmental networks for the notebook, drawn with {@link GraphDrawing}: inputs (CartPole's
 * x, x', theta, theta') pinned on the left in green, outputs (push left, push right) on the right in orange, the
 * other nodes placed by a force layout; edge colour = sign of the weight, width = its size.
 */
public final class Drawings {

    private static final Color INPUT = new Color(0x8CD17D);
    private static final Color OUTPUT = new Color(0xF1A340);
    private static final String[] INPUT_LABELS = {"x", "x'", "θ", "θ'"};
    private static final String[] OUTPUT_LABELS = {"L", "R"};

    private Drawings() {
    }

    /**
     * The growth of one network: the graph after each developmental step, side by side, all with the node
     * positions of the grown network (a node keeps its place from its birth on).
     *
     * @param perRow panels per row
     * @param size   pixels per panel
     */
    public static BufferedImage growth(Ndp ndp, Ndp.Development dev, int perRow, int size) {
        DevGraph last = dev.last();
        int n = last.size();
        int in = ndp.config().inputs;
        int out = ndp.config().outputs;
        boolean roles = n >= in + out;
        double[][] pinned = new double[n][];
        if (roles) {
            for (int i = 0; i < in; i++) {
                pinned[i] = new double[] {0.1, 0.2 + 0.6 * i / Math.max(1, in - 1)};
            }
            for (int o = 0; o < out; o++) {
                pinned[n - out + o] = new double[] {0.9, 0.35 + 0.3 * o / Math.max(1, out - 1)};
            }
        }
        double[][] pos = GraphDrawing.layout(n, edgeArray(last), pinned, 7);
        List<BufferedImage> panels = new ArrayList<>();
        for (int s = 0; s < dev.steps().size(); s++) {
            DevGraph g = dev.steps().get(s);
            boolean final_ = s == dev.steps().size() - 1;
            String title = String.format("step %d: %d node%s, %d edge%s", s, g.size(), g.size() == 1 ? "" : "s",
                    g.edgeCount(), g.edgeCount() == 1 ? "" : "s");
            panels.add(draw(g, pos, roles ? in : 0, final_ && roles ? out : 0, title, size));
        }
        return Charts.grid(perRow, panels.toArray(new BufferedImage[0]));
    }

    private static BufferedImage draw(DevGraph g, double[][] pos, int inputs, int outputs, String title, int size) {
        int n = g.size();
        List<int[]> e = g.edges();
        int[][] edges = e.toArray(new int[0][]);
        double[] w = new double[edges.length];
        for (int k = 0; k < edges.length; k++) {
            w[k] = g.weight(edges[k][0], edges[k][1]);
        }
        Color[] fills = new Color[n];
        String[] labels = new String[n];
        for (int i = 0; i < Math.min(inputs, n); i++) {
            fills[i] = INPUT;
            labels[i] = i < INPUT_LABELS.length ? INPUT_LABELS[i] : "in" + i;
        }
        for (int o = 0; o < outputs; o++) {
            fills[n - outputs + o] = OUTPUT;
            labels[n - outputs + o] = o < OUTPUT_LABELS.length ? OUTPUT_LABELS[o] : "out" + o;
        }
        return GraphDrawing.draw(title, n, edges, w, pos, fills, labels, false, size);
    }

    private static int[][] edgeArray(DevGraph g) {
        return g.edges().toArray(new int[0][]);
    }

    /** A living LNDP network: its directed edges and weights now. */
    public static BufferedImage network(Lndp.Network net, String title, int size) {
        Lndp lndp = net.program();
        Lndp.Config c = lndp.config();
        int n = lndp.nodes();
        List<int[]> e = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (net.hasEdge(i, j)) {
                    e.add(new int[] {i, j});
                    w.add(net.weight(i, j));
                }
            }
        }
        double[][] pinned = new double[n][];
        Color[] fills = new Color[n];
        String[] labels = new String[n];
        for (int i = 0; i < c.inputs; i++) {
            pinned[i] = new double[] {0.08, 0.2 + 0.6 * i / Math.max(1, c.inputs - 1)};
            fills[i] = INPUT;
            labels[i] = i < INPUT_LABELS.length ? INPUT_LABELS[i] : "in" + i;
        }
        for (int h = 0; h < c.hidden; h++) {
            double angle = 2 * Math.PI * h / c.hidden;
            pinned[c.inputs + h] = new double[] {0.5 + 0.25 * Math.cos(angle), 0.5 + 0.36 * Math.sin(angle)};
        }
        for (int o = 0; o < c.outputs; o++) {
            int i = n - c.outputs + o;
            pinned[i] = new double[] {0.92, 0.35 + 0.3 * o / Math.max(1, c.outputs - 1)};
            fills[i] = OUTPUT;
            labels[i] = o < OUTPUT_LABELS.length ? OUTPUT_LABELS[o] : "out" + o;
        }
        double[] wa = w.stream().mapToDouble(Double::doubleValue).toArray();
        return GraphDrawing.draw(title, n, e.toArray(new int[0][]), wa, pinned, fills, labels, true, size);
    }
}
