package dev.reranker.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * java.net.http has no read timeout for a response body: a CDN connection that stops sending would block a read
 * forever and the service would never start. This guard closes the body when no byte arrived for the timeout, which
 * ends the blocked read; the downloader then resumes with a Range request.
 */
final class StallGuard implements AutoCloseable {

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "reranker-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final InputStream body;
    private final long timeoutNanos;
    private final ScheduledFuture<?> check;
    private volatile long lastByteNanos = System.nanoTime();
    private volatile boolean tripped;

    private StallGuard(InputStream body, Duration timeout) {
        this.body = body;
        this.timeoutNanos = timeout.toNanos();
        long period = Math.max(10, Math.min(1000, timeout.toMillis() / 4));
        this.check = TIMER.scheduleAtFixedRate(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    static StallGuard watch(InputStream body, Duration timeout) {
        return new StallGuard(body, timeout);
    }

    /** Called after every read that returned bytes. */
    void touch() {
        lastByteNanos = System.nanoTime();
    }

    /** Whether the body was closed because it stalled. */
    boolean tripped() {
        return tripped;
    }

    private void check() {
        if (!tripped && System.nanoTime() - lastByteNanos > timeoutNanos) {
            tripped = true;
            try {
                body.close();
            } catch (IOException ignored) {
                // closing is all that is wanted; the reader sees the stream end
            }
        }
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
