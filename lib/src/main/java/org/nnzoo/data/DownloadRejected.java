package org.nnzoo.data;

import java.io.IOException;

/** A download that arrived but is wrong (status, size, checksum, time): its message says it all. */
final class DownloadRejected extends IOException {
    private static final long serialVersionUID = 1L;

    DownloadRejected(String message) {
        super(message);
    }
}
