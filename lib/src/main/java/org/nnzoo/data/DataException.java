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
}
