package org.nnzoo.viz;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nnzoo.data.ImageShape;

import tech.tablesaw.api.Table;

/**
 * Ready-made plots for the notebooks: training curves, scatter plots by class, confusion matrices and
 * grids of digit images. Charts are xchart objects (tweak them freely, then {@link Show#show});
 * image grids are drawn directly with Java2D.
 *
 * <p>Why one file of about 580 lines: it is a catalogue of independent plot functions (each 20-60 lines,
 * sharing only the palette and {@link #toImage}), which every chapter calls as {@code Charts.x(...)};
 * splitting it would give a reader nothing to follow and the notebooks a second name to remember.
 */
public final class Charts {

    /** Qualitative palette (Tableau 10), one colour per class. */
    public static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2), new Color(0x59A14F),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};

    private Charts() {
    }

    /** @return the chart rendered to an image */
    public static BufferedImage toImage(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * A line chart of one or more series over a shared x axis.
     *
     * @param series name -> y values (same length as x); NaN values are skipped
     */
    public static XYChart lines(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        XYChart chart = new XYChartBuilder().width(520).height(340).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        style(chart);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setXAxisTickMarkSpacingHint(70);
        int k = 0;
        for (Map.Entry<String, double[]> e : series.entrySet()) {
            double[] y = e.getValue();
            if (y.length != x.length) {
                throw new IllegalArgumentException("series '" + e.getKey() + "' has " + y.length + " values for " + x.length + " x values");
            }
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < x.length; i++) {
                if (!Double.isNaN(y[i])) {
                    xs.add(x[i]);
                    ys.add(y[i]);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(e.getKey(), xs, ys);
            s.setLineColor(PALETTE[k % PALETTE.length]);
            s.setMarkerColor(PALETTE[k % PALETTE.length]);
            s.setMarker(xs.size() > 40 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
            k++;
        }
        if (k > 0 && x.length > ROUND_TICKS_ABOVE) {
            roundXTicks(chart, x, series.values().iterator().next());
        }
        return chart;
    }

    /** Above this many x values {@link #lines} asks for round x ticks instead of ticks on the data points. */
    static final int ROUND_TICKS_ABOVE = 30;

    /**
     * xchart 3.8.8 puts the x ticks on the data points, starting at the first one, whenever all x values of a
     * chart are equally spaced: a loss per step at x = 0.001, 0.002, ... gets ticks 0.001, 0.342, 0.683, ...
     * that run into each other. One invisible point off that grid (no line, no marker, not in the legend)
     * makes it compute round ticks (0, 0.5, 1, ...) as for any other data.
     */
    private static void roundXTicks(XYChart chart, double[] x, double[] y) {
        double yAt = Double.NaN;
        for (double v : y) {
            if (Double.isFinite(v)) {
                yAt = v;
                break;
            }
        }
        if (Double.isNaN(yAt) || !(x[1] != x[0])) {
            return;
        }
        XYSeries helper = chart.addSeries(" ", new double[] {x[0] + 0.37 * (x[1] - x[0])}, new double[] {yAt});
        helper.setShowInLegend(false);
        helper.setMarker(SeriesMarkers.NONE);
        helper.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.NONE);
    }

    /**
     * Training curves from a history table: one chart per metric family (loss, accuracy), train and
     * validation side by side when both are present.
     *
     * @param history a table with an {@code epoch} column and columns such as {@code train_loss},
     *                {@code val_loss}, {@code train_acc}, {@code val_acc}
     * @return the charts combined into one image
     */
    public static BufferedImage curves(Table history) {
        double[] x = history.numberColumn("epoch").asDoubleArray();
        List<Chart<?, ?>> charts = new ArrayList<>();
        for (String metric : new String[] {"loss", "acc"}) {
            Map<String, double[]> series = new java.util.LinkedHashMap<>();
            for (String split : new String[] {"train", "val"}) {
                String col = split + "_" + metric;
                if (history.containsColumn(col)) {
                    series.put(split.equals("val") ? "validation" : "train", history.numberColumn(col).asDoubleArray());
                }
            }
            if (!series.isEmpty()) {
                XYChart c = lines(metric.equals("acc") ? "Accuracy" : "Loss", "epoch", metric.equals("acc") ? "accuracy" : "loss", x, series);
                // curves rise (accuracy) or fall (loss) towards the top right/bottom right: keep the legend off them
                c.getStyler().setLegendPosition(metric.equals("acc") ? Styler.LegendPosition.InsideSE : Styler.LegendPosition.InsideNE);
                charts.add(c);
            }
        }
        return sideBySide(charts.stream().map(Charts::toImage).toArray(BufferedImage[]::new));
    }

    /**
     * A scatter plot of 2-D points coloured by class.
     *
     * @param xy         points as {@code xy[i] = {x, y}}
     * @param classes    class of each point
     * @param classNames legend name of each class index
     */
    public static XYChart scatter(String title, double[][] xy, int[] classes, String[] classNames) {
        if (xy.length != classes.length) {
            throw new IllegalArgumentException(xy.length + " points but " + classes.length + " class labels");
        }
        XYChart chart = new XYChartBuilder().width(520).height(420).title(title).xAxisTitle("x1").yAxisTitle("x2").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(5);
        for (int c = 0; c < classNames.length; c++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < xy.length; i++) {
                if (classes[i] == c) {
                    xs.add(xy[i][0]);
                    ys.add(xy[i][1]);
                }
            }
            if (!xs.isEmpty()) {
                XYSeries s = chart.addSeries(classNames[c], xs, ys);
                s.setMarker(SeriesMarkers.CIRCLE);
                s.setMarkerColor(PALETTE[c % PALETTE.length]);
            }
        }
        return chart;
    }

    /**
     * Writes a text label next to each point of a chart (e.g. the words of a 2-D embedding map).
     *
     * @param xy     the points, {@code xy[i] = {x, y}} in data coordinates
     * @param labels one label per point
     * @return the chart
     */
    public static XYChart labels(XYChart chart, double[][] xy, String[] labels) {
        if (xy.length != labels.length) {
            throw new IllegalArgumentException(xy.length + " points but " + labels.length + " labels");
        }
        chart.getStyler().setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.getStyler().setAnnotationTextFontColor(new Color(0x333333));
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (double[] p : xy) {
            ymin = Math.min(ymin, p[1]);
            ymax = Math.max(ymax, p[1]);
        }
        double dy = (ymax - ymin) * 0.025;  // just above the marker
        for (int i = 0; i < xy.length; i++) {
            chart.addAnnotation(new org.knowm.xchart.AnnotationText(labels[i], xy[i][0], xy[i][1] + dy, false));
        }
        return chart;
    }

    /** Adds a straight line through the visible x range to a chart, e.g. a decision boundary. */
    public static XYChart addLine(XYChart chart, String name, double x0, double y0, double x1, double y1) {
        XYSeries s = chart.addSeries(name, new double[] {x0, x1}, new double[] {y0, y1});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(Color.BLACK);
        s.setLineStyle(new BasicStroke(2f));
        return chart;
    }

    /**
     * A confusion matrix as a heat map with counts in the cells.
     *
     * @param matrix     {@code matrix[true][predicted]}
     * @param classNames axis labels
     */
    public static HeatMapChart confusion(String title, int[][] matrix, String[] classNames) {
        int k = matrix.length;
        HeatMapChart chart = new HeatMapChartBuilder().width(560).height(500).title(title)
                .xAxisTitle("predicted").yAxisTitle("true").build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x6BAED6), new Color(0x08306B)});
        chart.getStyler().setValueFontColor(Color.DARK_GRAY);
        List<String> names = List.of(classNames);
        // xchart puts heat[x][y]; y (true class) grows upwards, so list true classes top-down
        List<String> yNames = new ArrayList<>(names);
        java.util.Collections.reverse(yNames);
        List<Number[]> heat = new ArrayList<>();
        for (int p = 0; p < k; p++) {
            for (int t = 0; t < k; t++) {
                heat.add(new Number[] {p, k - 1 - t, matrix[t][p]});
            }
        }
        chart.addSeries("confusion", names, yNames, heat);
        return chart;
    }

    /**
     * A grid of grey-scale images with a caption under each (e.g. "7 (pred 1)").
     *
     * @param pixels   images stored one after another, values in [0, 1]
     * @param rows     image height
     * @param cols     image width
     * @param indices  which images to draw
     * @param captions one caption per drawn image, or null
     * @param perRow   images per grid row
     * @param scale    pixel magnification
     */
    public static BufferedImage imageGrid(float[] pixels, int rows, int cols, int[] indices, String[] captions,
                                          int perRow, int scale) {
        return imageGrid(pixels, new ImageShape(1, rows, cols), indices, captions, perRow, scale);
    }

    /**
     * A grid of images of a given shape with a caption under each: one channel is drawn as ink on white
     * (0 white, 1 black), three channels as red, green, blue (0 black).
     *
     * @param pixels   images stored one after another, channel after channel, values in [0, 1]
     * @param shape    the shape of every image, 1 or 3 channels
     * @param indices  which images to draw
     * @param captions one caption per drawn image, or null
     * @param perRow   images per grid row
     * @param scale    pixel magnification
     */
    public static BufferedImage imageGrid(float[] pixels, ImageShape shape, int[] indices, String[] captions,
                                          int perRow, int scale) {
        if (captions != null && captions.length != indices.length) {
            throw new IllegalArgumentException(indices.length + " images but " + captions.length + " captions");
        }
        if (shape.channels() != 1 && shape.channels() != 3) {
            throw new IllegalArgumentException("imageGrid draws grey (1 channel) or RGB (3 channel) images, got " + shape);
        }
        int rows = shape.height();
        int cols = shape.width();
        int n = indices.length;
        int gridRows = Math.max(1, (n + perRow - 1) / perRow);
        int capH = captions == null ? 0 : 16;
        int cellW = cols * scale + 8;
        int cellH = rows * scale + 8 + capH;
        BufferedImage img = new BufferedImage(perRow * cellW, gridRows * cellH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int size = shape.size();
        int plane = rows * cols;
        for (int k = 0; k < n; k++) {
            int ox = (k % perRow) * cellW + 4;
            int oy = (k / perRow) * cellH + 4;
            int base = indices[k] * size;
            if (base < 0 || base + size > pixels.length) {
                throw new IllegalArgumentException("image index " + indices[k] + " is outside the " + pixels.length / size + " images given");
            }
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    int p = base + r * cols + c;
                    if (shape.channels() == 1) {
                        int gray = 255 - level(pixels[p]);
                        g.setColor(new Color(gray, gray, gray));
                    } else {
                        g.setColor(new Color(level(pixels[p]), level(pixels[p + plane]), level(pixels[p + 2 * plane])));
                    }
                    g.fillRect(ox + c * scale, oy + r * scale, scale, scale);
                }
            }
            if (captions != null) {
                g.setColor(Color.BLACK);
                g.drawString(captions[k], ox, oy + rows * scale + 13);
            }
        }
        g.dispose();
        return img;
    }

    /** @return a value in [0, 1] (clipped) as a colour level 0..255 */
    private static int level(float v) {
        return Math.round(Math.max(0f, Math.min(1f, v)) * 255);
    }

    /** @return the images placed left to right on a white background */
    public static BufferedImage sideBySide(BufferedImage... images) {
        int w = 0;
        int h = 0;
        for (BufferedImage i : images) {
            w += i.getWidth();
            h = Math.max(h, i.getHeight());
        }
        BufferedImage out = new BufferedImage(Math.max(w, 1), Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int x = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth();
        }
        g.dispose();
        return out;
    }

    /** @return the images placed left to right with {@code gap} white pixels between them */
    public static BufferedImage spaced(int gap, BufferedImage... images) {
        if (gap < 0) {
            throw new IllegalArgumentException("gap must be >= 0, got " + gap);
        }
        BufferedImage[] withGaps = new BufferedImage[Math.max(0, 2 * images.length - 1)];
        for (int i = 0; i < images.length; i++) {
            withGaps[2 * i] = images[i];
            if (i + 1 < images.length) {
                withGaps[2 * i + 1] = new BufferedImage(Math.max(gap, 1), 1, BufferedImage.TYPE_INT_ARGB);
            }
        }
        return sideBySide(withGaps);
    }

    /**
     * {@code count} signed maps ({@link #signedMap}) side by side, {@code gap} pixels apart: map {@code i} is
     * {@code values[i*rows*cols .. (i+1)*rows*cols)}, e.g. the kernels of a convolution layer or its feature maps.
     */
    public static BufferedImage signedMaps(float[] values, int count, int rows, int cols, int scale, int gap) {
        if (values.length < count * rows * cols) {
            throw new IllegalArgumentException(values.length + " values cannot fill " + count + " maps of " + rows + "x" + cols);
        }
        BufferedImage[] maps = new BufferedImage[count];
        for (int i = 0; i < count; i++) {
            double[] one = new double[rows * cols];
            for (int j = 0; j < one.length; j++) {
                one[j] = values[i * one.length + j];
            }
            maps[i] = signedMap(one, rows, cols, scale);
        }
        return spaced(gap, maps);
    }

    /** @return the images placed in rows of {@code perRow}, left to right, top to bottom, on white */
    public static BufferedImage grid(int perRow, BufferedImage... images) {
        if (perRow < 1) {
            throw new IllegalArgumentException("perRow must be at least 1, got " + perRow);
        }
        List<BufferedImage> rows = new ArrayList<>();
        for (int i = 0; i < images.length; i += perRow) {
            rows.add(sideBySide(java.util.Arrays.copyOfRange(images, i, Math.min(images.length, i + perRow))));
        }
        int w = 1;
        int h = 0;
        for (BufferedImage r : rows) {
            w = Math.max(w, r.getWidth());
            h += r.getHeight();
        }
        BufferedImage out = new BufferedImage(w, Math.max(h, 1), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        int y = 0;
        for (BufferedImage r : rows) {
            g.drawImage(r, 0, y, null);
            y += r.getHeight();
        }
        g.dispose();
        return out;
    }

    /**
     * A matrix of non-negative weights (e.g. attention: rows = queries, columns = keys) as a heat map,
     * white (0) to dark blue (the largest value, or 1 when {@code unitScale}), with one label per row and
     * column (single characters or short words).
     *
     * @param values    {@code values[row][col]}
     * @param rowLabels one per row, drawn at the left
     * @param colLabels one per column, drawn at the top
     * @param cell      pixel size of one cell
     */
    public static BufferedImage matrix(String title, double[][] values, String[] rowLabels, String[] colLabels,
                                       int cell, boolean unitScale) {
        int rows = values.length;
        int cols = rows == 0 ? 0 : values[0].length;
        if (rowLabels.length != rows || colLabels.length != cols) {
            throw new IllegalArgumentException("labels (" + rowLabels.length + " rows, " + colLabels.length
                    + " columns) do not match the " + rows + "x" + cols + " matrix");
        }
        double max = 1e-12;
        for (double[] r : values) {
            for (double v : r) {
                max = Math.max(max, v);
            }
        }
        if (unitScale) {
            max = 1;
        }
        Font labelFont = new Font(Font.MONOSPACED, Font.PLAIN, Math.max(9, Math.min(14, cell)));
        int maxLabel = 1;
        for (String l : rowLabels) {
            maxLabel = Math.max(maxLabel, l.length());
        }
        int left = 10 + maxLabel * (labelFont.getSize() * 3 / 5 + 1);
        int top = 40;
        BufferedImage img = new BufferedImage(left + cols * cell + 10, top + rows * cell + 10, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, 6, 16);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = Math.max(0, Math.min(1, values[r][c] / max));
                g.setColor(blend(new Color(0x08306B), Color.WHITE, 1 - v));
                g.fillRect(left + c * cell, top + r * cell, cell, cell);
            }
        }
        g.setColor(Color.BLACK);
        g.setFont(labelFont);
        java.awt.FontMetrics fm = g.getFontMetrics();
        for (int r = 0; r < rows; r++) {
            String l = visible(rowLabels[r]);
            g.drawString(l, left - 4 - fm.stringWidth(l), top + r * cell + (cell + fm.getAscent()) / 2 - 1);
        }
        for (int c = 0; c < cols; c++) {
            String l = visible(colLabels[c]);
            g.drawString(l, left + c * cell + (cell - fm.stringWidth(l)) / 2, top - 4);
        }
        g.dispose();
        return img;
    }

    /** Spaces and line breaks drawn as visible symbols. */
    private static String visible(String s) {
        return s.replace(' ', '\u00b7').replace('\n', '\u21b5');
    }

    /**
     * A spike raster: one dot per spike, time on x, neuron on y.
     *
     * @param spikes  0/1 values ordered {@code [t][neuron]} ({@code steps * neurons} values)
     * @param steps   number of time steps
     * @param neurons number of neurons
     */
    public static XYChart raster(String title, float[] spikes, int steps, int neurons) {
        if (spikes.length != steps * neurons) {
            throw new IllegalArgumentException(spikes.length + " spike values cannot fill " + steps + " steps x " + neurons + " neurons");
        }
        XYChart chart = new XYChartBuilder().width(420).height(340).title(title).xAxisTitle("time step").yAxisTitle("neuron").build();
        style(chart);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(neurons > 100 ? 2 : 5);
        chart.getStyler().setXAxisMin(-0.5);
        chart.getStyler().setXAxisMax(steps - 0.5);
        chart.getStyler().setYAxisMin(-0.5);
        chart.getStyler().setYAxisMax(neurons - 0.5);
        chart.getStyler().setXAxisDecimalPattern("#");
        chart.getStyler().setYAxisDecimalPattern("#");
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < neurons; n++) {
                if (spikes[t * neurons + n] > 0) {
                    xs.add((double) t);
                    ys.add((double) n);
                }
            }
        }
        if (xs.isEmpty()) { // xchart needs a series; an invisible point keeps the axes
            xs.add(-1.0);
            ys.add(-1.0);
        }
        XYSeries s = chart.addSeries("spikes", xs, ys);
        s.setMarker(SeriesMarkers.SQUARE);
        s.setMarkerColor(Color.BLACK);
        return chart;
    }

    /**
     * Decision regions of a 2-D classifier: the plane coloured by predicted class (light), with the data
     * points on top (dark).
     *
     * @param classify maps a point {x, y} to a class index
     * @param x        points, {@code x[i] = {x, y}}
     * @param y        class of each point
     */
    public static BufferedImage decisionRegions(String title, java.util.function.Function<double[], Integer> classify,
                                                double[][] x, int[] y) {
        if (x.length != y.length || x.length == 0) {
            throw new IllegalArgumentException("need the same non-zero number of points and labels, got " + x.length + " and " + y.length);
        }
        double minX = Double.POSITIVE_INFINITY, maxX = Double.NEGATIVE_INFINITY, minY = minX, maxY = maxX;
        for (double[] p : x) {
            minX = Math.min(minX, p[0]);
            maxX = Math.max(maxX, p[0]);
            minY = Math.min(minY, p[1]);
            maxY = Math.max(maxY, p[1]);
        }
        double padX = (maxX - minX) * 0.08 + 1e-9;
        double padY = (maxY - minY) * 0.08 + 1e-9;
        minX -= padX;
        maxX += padX;
        minY -= padY;
        maxY += padY;
        int size = 400;
        int top = 24;
        BufferedImage img = new BufferedImage(size, size + top, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size, top);
        int cell = 4;
        for (int py = 0; py < size; py += cell) {
            for (int px = 0; px < size; px += cell) {
                double[] p = {minX + (px + cell / 2.0) / size * (maxX - minX), maxY - (py + cell / 2.0) / size * (maxY - minY)};
                Color c = PALETTE[Math.floorMod(classify.apply(p), PALETTE.length)];
                g.setColor(blend(c, Color.WHITE, 0.7));
                g.fillRect(px, top + py, cell, cell);
            }
        }
        for (int i = 0; i < x.length; i++) {
            int px = (int) Math.round((x[i][0] - minX) / (maxX - minX) * size);
            int py = (int) Math.round((maxY - x[i][1]) / (maxY - minY) * size);
            g.setColor(PALETTE[Math.floorMod(y[i], PALETTE.length)]);
            g.fillOval(px - 3, top + py - 3, 7, 7);
            g.setColor(Color.DARK_GRAY);
            g.drawOval(px - 3, top + py - 3, 7, 7);
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, 6, 17);
        g.dispose();
        return img;
    }

    /**
     * A signed map (e.g. the 784 weights of a linear unit) as an image: blue positive, red negative,
     * white zero, scaled by the largest magnitude.
     */
    public static BufferedImage signedMap(double[] values, int rows, int cols, int scale) {
        if (values.length != rows * cols) {
            throw new IllegalArgumentException(values.length + " values cannot fill " + rows + "x" + cols);
        }
        double max = 1e-12;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        BufferedImage img = new BufferedImage(cols * scale, rows * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double v = values[r * cols + c] / max;
                g.setColor(v >= 0 ? blend(new Color(0x2166AC), Color.WHITE, 1 - v) : blend(new Color(0xB2182B), Color.WHITE, 1 + v));
                g.fillRect(c * scale, r * scale, scale, scale);
            }
        }
        g.dispose();
        return img;
    }

    private static Color blend(Color c, Color other, double otherWeight) {
        double w = Math.max(0, Math.min(1, otherWeight));
        return new Color((int) Math.round(c.getRed() * (1 - w) + other.getRed() * w),
                (int) Math.round(c.getGreen() * (1 - w) + other.getGreen() * w),
                (int) Math.round(c.getBlue() * (1 - w) + other.getBlue() * w));
    }

    private static void style(XYChart chart) {
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xDDDDDD));
        chart.getStyler().setPlotBorderVisible(false);
    }
}
