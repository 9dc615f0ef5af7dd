package org.nnzoo.viz;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.Base64;

import javax.imageio.ImageIO;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import tech.tablesaw.api.Table;

/**
 * The one place that hands charts, images, tables and HTML to the notebook.
 *
 * <p>Inside the Java kernel (rapaio-jupyter-kernel) it calls the kernel's {@code Global.display} /
 * {@code updateDisplay} by reflection, so the library has no compile-time dependency on the kernel.
 * Images go out as base64 PNG ({@code image/png}), tables and progress as {@code text/html}.
 * Outside a kernel (tests, plain JVM) nothing is displayed and a one-line text summary is printed.
 */
public final class Show {

    private static final String GLOBAL = "org.rapaio.jupyter.kernel.global.Global";
    private static volatile Bridge bridge;

    private Show() {
    }

    /**
     * Displays a chart, image, table, or HTML string. Returns nothing, so that {@code show(x);} as the
     * last line of a cell adds no stray output; use {@link #display} for an updatable display.
     *
     * @param o an xchart chart, a {@link BufferedImage}, a tablesaw {@link Table}, or a String of HTML
     */
    public static void show(Object o) {
        display(o);
    }

    /**
     * Like {@link #show} but returns the display id, for {@link #update}.
     *
     * @return the display id, or null outside a kernel
     */
    public static String display(Object o) {
        if (o instanceof Chart) {
            return image(Charts.toImage((Chart<?, ?>) o));
        }
        if (o instanceof BufferedImage) {
            return image((BufferedImage) o);
        }
        if (o instanceof Table) {
            return html(Tables.toHtml((Table) o));
        }
        if (o instanceof String) {
            return html((String) o);
        }
        throw new IllegalArgumentException("Show.show cannot display a " + (o == null ? "null" : o.getClass().getName())
                + ": pass an xchart chart, a BufferedImage, a tablesaw Table or an HTML String");
    }

    /** Displays an image as PNG. @return display id or null outside a kernel */
    public static String image(BufferedImage img) {
        Bridge b = bridge();
        if (b == null) {
            System.out.printf("[image %dx%d]%n", img.getWidth(), img.getHeight());
            return null;
        }
        return b.display("image/png", Base64.getEncoder().encodeToString(png(img)));
    }

    /** Displays HTML. @return display id or null outside a kernel */
    public static String html(String html) {
        Bridge b = bridge();
        if (b == null) {
            return null;
        }
        return b.display("text/html", html);
    }

    /** Replaces the content of an earlier display (progress bars). No-op for a null id. */
    public static void update(String id, String html) {
        Bridge b = bridge();
        if (b != null && id != null) {
            b.update(id, "text/html", html);
        }
    }

    /** @return true when running inside the Java kernel, so displays reach a notebook */
    public static boolean inNotebook() {
        return bridge() != null;
    }

    /** @return the PNG encoding of an image */
    public static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer available in this JVM");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the PNG encoding of a chart */
    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Bridge bridge() {
        Bridge b = bridge;
        if (b == null) {
            b = Bridge.find();
            bridge = b;
        }
        return b == Bridge.NONE ? null : b;
    }

    /** Reflective access to the kernel's display functions. */
    private static final class Bridge {
        static final Bridge NONE = new Bridge(null, null);
        private final Method display;
        private final Method update;

        private Bridge(Method display, Method update) {
            this.display = display;
            this.update = update;
        }

        static Bridge find() {
            for (ClassLoader cl : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                    Show.class.getClassLoader()}) {
                try {
                    Class<?> g = Class.forName(GLOBAL, true, cl);
                    // the kernel only exists when MainApp has started it
                    Class<?> main = Class.forName("org.rapaio.jupyter.kernel.MainApp", true, cl);
                    if (main.getField("kernel").get(null) == null) {
                        continue;
                    }
                    return new Bridge(g.getMethod("display", String.class, Object.class),
                            g.getMethod("updateDisplay", String.class, String.class, Object.class));
                } catch (ReflectiveOperationException | LinkageError | NullPointerException e) {
                    // not in the kernel with this loader
                }
            }
            return NONE;
        }

        String display(String mime, Object data) {
            try {
                return (String) display.invoke(null, mime, data);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("kernel display failed: " + e.getCause(), e);
            }
        }

        void update(String id, String mime, Object data) {
            try {
                update.invoke(null, id, mime, data);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("kernel display update failed: " + e.getCause(), e);
            }
        }
    }
}
