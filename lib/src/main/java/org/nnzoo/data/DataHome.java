package org.nnzoo.data;

import java.nio.file.Path;

/**
 * The folder where NN Zoo keeps (and looks for) downloaded data sets.
 *
 * <p>The first of these that is set wins:
 * <ol>
 *   <li>an override set with {@link #setOverride(Path)} (for tests),</li>
 *   <li>the system property {@code nnzoo.data},</li>
 *   <li>the environment variable {@code NNZOO_DATA},</li>
 *   <li>{@code $XDG_CACHE_HOME/nnzoo},</li>
 *   <li>{@code ~/.cache/nnzoo}.</li>
 * </ol>
 * The folder need not exist, and it may be read-only as long as it already holds the data.
 */
public final class DataHome {

    /** System property naming the data folder. */
    public static final String PROPERTY = "nnzoo.data";
    /** Environment variable naming the data folder. */
    public static final String ENV = "NNZOO_DATA";

    private static volatile Path override;

    private DataHome() {
    }

    /** @return the data folder, as an absolute path */
    public static Path dir() {
        Path o = override;
        if (o != null) {
            return o.toAbsolutePath();
        }
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop).toAbsolutePath();
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "nnzoo").toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".cache", "nnzoo").toAbsolutePath();
    }

    /**
     * Makes {@link #dir()} return {@code dir} until {@link #clearOverride()} is called.
     *
     * @param dir the folder to use, or {@code null} to go back to the normal rules
     */
    public static void setOverride(Path dir) {
        override = dir;
    }

    /** Removes an override set with {@link #setOverride(Path)}. */
    public static void clearOverride() {
        override = null;
    }

    /** @return how {@link #dir()} was chosen, for error messages */
    static String howChosen() {
        if (override != null) {
            return "set in code by DataHome.setOverride";
        }
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return "from system property " + PROPERTY + relativeNote(prop);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return "from environment variable " + ENV + relativeNote(env);
        }
        return "default; set " + ENV + " or -D" + PROPERTY + " to change it";
    }

    /**
     * A relative setting is resolved against this process's working directory, which is often not
     * where the user typed it (Maven's test JVM runs in {@code lib/}, a notebook kernel in
     * {@code notebooks/}); say so, since that is the usual reason the folder looks empty.
     */
    static String relativeNote(String setting) {
        if (Path.of(setting).isAbsolute()) {
            return "";
        }
        return "=" + setting + ", a relative path, resolved against this process's working directory "
                + Path.of("").toAbsolutePath() + "; give an absolute path, or start the NN Zoo scripts "
                + "(environment/*.sh), which make it absolute from the folder you type them in";
    }
}
