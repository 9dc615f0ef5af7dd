package org.nnzoo.rl;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws CartPole states as pictures, with the geometry of Gymnasium's renderer: the track spans
 * {@code [-2.4, 2.4]} over the image width, the pole is drawn at its full length {@code 2 * LENGTH} on the
 * same scale, the cart is 50x30 pixels at 600 pixels width (everything scales with the width).
 */
public final class CartPoleRenderer {

    private static final Color POLE = new Color(202, 152, 101);
    private static final Color AXLE = new Color(129, 132, 203);
    private static final Color LIMIT = new Color(0xE15759);

    private CartPoleRenderer() {
    }

    /**
     * One frame.
     *
     * @param state   {@code (x, xDot, theta, thetaDot)}
     * @param width   image width in pixels (height is 2/3 of it)
     * @param caption text in the top-left corner, or null
     */
    public static BufferedImage frame(double[] state, int width, String caption) {
        if (state == null || state.length < 4) {
            throw new IllegalArgumentException("state must have 4 values (x, xDot, theta, thetaDot)");
        }
        if (width < 60) {
            throw new IllegalArgumentException("width must be at least 60 pixels, got " + width);
        }
        int height = width * 2 / 3;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        double u = width / 600.0; // Gymnasium's 600-pixel screen as the unit
        double scale = width / (2 * CartPole.X_THRESHOLD);
        double cartW = 50 * u;
        double cartH = 30 * u;
        double trackY = height - 100 * u; // 100 px above the bottom of a 400 px screen, as in Gymnasium
        double cx = state[0] * scale + width / 2.0;
        // track and the +-2.4 limits
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke((float) Math.max(1, u)));
        g.drawLine(0, (int) Math.round(trackY), width, (int) Math.round(trackY));
        g.setColor(LIMIT);
        g.drawLine(1, (int) Math.round(trackY - 6 * u), 1, (int) Math.round(trackY + 6 * u));
        g.drawLine(width - 2, (int) Math.round(trackY - 6 * u), width - 2, (int) Math.round(trackY + 6 * u));
        // cart
        g.setColor(Color.BLACK);
        g.fill(new Rectangle2D.Double(cx - cartW / 2, trackY - cartH / 2, cartW, cartH));
        // pole: rotated rectangle from the axle, angle theta from the vertical (positive = clockwise, to the right)
        double axleY = trackY - cartH / 4;
        double poleLen = scale * 2 * CartPole.LENGTH;
        double poleW = 10 * u;
        AffineTransform saved = g.getTransform();
        g.translate(cx, axleY);
        g.rotate(state[2]);
        g.setColor(POLE);
        g.fill(new Rectangle2D.Double(-poleW / 2, -poleLen + poleW / 2, poleW, poleLen));
        g.setTransform(saved);
        g.setColor(AXLE);
        g.fill(new Ellipse2D.Double(cx - poleW / 2, axleY - poleW / 2, poleW, poleW));
        if (caption != null) {
            g.setColor(Color.DARK_GRAY);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, (int) Math.max(10, Math.round(14 * u))));
            g.drawString(caption, (int) (6 * u) + 2, (int) (18 * u) + 6);
        }
        g.dispose();
        return img;
    }

    /**
     * A strip of frames from an episode, left to right, then wrapping into rows.
     *
     * @param states  the states of the episode, in order
     * @param frames  how many evenly spaced frames to draw (first and last included)
     * @param perRow  frames per row
     * @param width   width of one frame in pixels
     */
    public static BufferedImage strip(List<double[]> states, int frames, int perRow, int width) {
        if (states == null || states.isEmpty()) {
            throw new IllegalArgumentException("states is empty: record an episode first (RlLoop.rollout)");
        }
        if (frames < 1 || perRow < 1) {
            throw new IllegalArgumentException("frames and perRow must be at least 1, got " + frames + " and " + perRow);
        }
        int n = Math.min(frames, states.size());
        int rows = (n + perRow - 1) / perRow;
        int fh = width * 2 / 3;
        int gap = 4;
        BufferedImage out = new BufferedImage(Math.min(n, perRow) * (width + gap) - gap, rows * (fh + gap) - gap,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(new Color(0xDDDDDD));
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int k = 0; k < n; k++) {
            int t = n == 1 ? 0 : (int) Math.round(k * (states.size() - 1) / (double) (n - 1));
            double[] s = states.get(t);
            String cap = String.format(java.util.Locale.ROOT, "t=%d  x=%+.2f  θ=%+.1f°", t, s[0], Math.toDegrees(s[2]));
            g.drawImage(frame(s, width, cap), (k % perRow) * (width + gap), (k / perRow) * (fh + gap), null);
        }
        g.dispose();
        return out;
    }
}
