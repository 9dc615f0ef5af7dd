package org.nnzoo.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.Flow;

/**
 * Writes an HTTP response body to {@link Downloader}'s temporary file, hashing it and reporting progress as it
 * goes, and stops (with {@link #error} set) as soon as more bytes arrive than the file's pinned size.
 */
final class BodyWriter implements Flow.Subscriber<List<ByteBuffer>> {
    final MessageDigest digest = Checksums.sha256();
    final FileChannel out;
    final RemoteFile file;
    final Downloader.Progress progress;
    volatile long bytes;
    volatile long lastActivity = System.nanoTime();
    volatile IOException error;
    private volatile Flow.Subscription subscription;

    BodyWriter(FileChannel out, RemoteFile file, Downloader.Progress progress) {
        this.out = out;
        this.file = file;
        this.progress = progress;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        lastActivity = System.nanoTime();
        if (error != null) {
            return;
        }
        long incoming = 0;
        for (ByteBuffer b : buffers) {
            incoming += b.remaining();
        }
        if (file.size() >= 0 && bytes + incoming > file.size()) {
            fail(new DownloadRejected("the server sent more than the " + file.size() + " bytes expected; stopped"
                    + " reading after " + bytes + " (wrong file?)"));
            return;
        }
        try {
            for (ByteBuffer b : buffers) {
                digest.update(b.duplicate());
                while (b.hasRemaining()) {
                    bytes += out.write(b);
                }
            }
            progress.update(file.fileName(), bytes, file.size(), false);
            subscription.request(1);
        } catch (IOException e) {
            fail(e);
        }
    }

    private void fail(IOException e) {
        error = e;
        subscription.cancel();
    }

    @Override
    public void onError(Throwable t) {
        // reported through the response future
    }

    @Override
    public void onComplete() {
        // the response future completes after this
    }

    void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }
}
