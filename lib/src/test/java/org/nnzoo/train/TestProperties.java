package org.nnzoo.train;

/** System properties that a test sets for its duration. */
final class TestProperties {

    private TestProperties() {
    }

    /** Puts {@code name} back as it was before the test: {@code saved}, or unset where {@code saved} is null. */
    static void restore(String name, String saved) {
        if (saved == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, saved);
        }
    }
}
