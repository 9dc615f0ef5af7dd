package org.nnzoo.train;

import java.util.Locale;

/**
 * The run profile that sizes every notebook: how much data and how many epochs.
 *
 * <ul>
 *   <li>{@link #SMOKE}: seconds; proves every cell runs (CI, {@code mvn verify}).</li>
 *   <li>{@link #DEFAULT}: a few minutes on 2 CPU cores; reaches the accuracy a practitioner expects.</li>
 *   <li>{@link #FULL}: the longer schedule of the literature.</li>
 * </ul>
 * Chosen by the system property {@code nnzoo.profile}, else the environment variable
 * {@code NNZOO_PROFILE}, else {@link #DEFAULT}. Notebooks size themselves through {@link #pick}.
 */
public enum Profile {
    SMOKE, DEFAULT, FULL;

    /** Environment variable read by {@link #current()}. */
    public static final String ENV = "NNZOO_PROFILE";

    /**
     * @return the profile selected for this JVM
     * @throws IllegalArgumentException naming the variable and the allowed values when it is set to anything else
     */
    public static Profile current() {
        String prop = System.getProperty("nnzoo.profile");
        String value = prop != null ? prop : System.getenv(ENV);
        return parse(value, prop != null ? "system property nnzoo.profile" : "environment variable " + ENV);
    }

    /**
     * @param value  a profile name, case-insensitive; null or blank means {@link #DEFAULT}
     * @param source where the value came from, for the error message
     */
    static Profile parse(String value, String source) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is '" + value
                    + "': use one of smoke, default, full", e);
        }
    }

    /** @return the value for the current profile: {@code smoke}, {@code dflt} or {@code full} */
    public static <T> T pick(T smoke, T dflt, T full) {
        return current().choose(smoke, dflt, full);
    }

    /** Primitive-int form of {@link #pick(Object, Object, Object)}. */
    public static int pick(int smoke, int dflt, int full) {
        return current().choose(smoke, dflt, full);
    }

    /** @return the value for this profile */
    public <T> T choose(T smoke, T dflt, T full) {
        switch (this) {
            case SMOKE:
                return smoke;
            case FULL:
                return full;
            default:
                return dflt;
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
