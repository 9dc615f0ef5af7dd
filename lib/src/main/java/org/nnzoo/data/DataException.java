package org.nnzoo.data;

/**
 * A data set could not be found, downloaded, verified or parsed.
 *
 * <p>The message is meant for a person: it names the data set and the files involved, where
 * they were looked for, and what to do about it (for example which environment variable to set).
 */
public class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and how to fix it */
    public DataException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and how to fix it
     * @param cause the underlying error
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Names a failure for a person: its class and message, then those of its causes, e.g.
     * {@code "ConnectException, caused by ClosedChannelException"}. Many exceptions of the JDK have no
     * message, so {@code getMessage()} alone would print {@code null}.
     */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        for (Throwable t = e; t != null && depth < 4; t = t.getCause(), depth++) {
            sb.append(depth == 0 ? "" : ", caused by ").append(t.getClass().getSimpleName());
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                sb.append(": ").append(t.getMessage());
            }
        }
        return sb.toString();
    }
}
