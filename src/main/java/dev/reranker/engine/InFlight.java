package dev.reranker.engine;

import java.util.concurrent.TimeUnit;

/**
 * Requests using one model. A retired model takes no new requests, and its owner closes it once
 * those already running are done, so a swap or unload never pulls a session from under a request.
 */
public final class InFlight {

    private int active;
    private boolean retired;

    /** Counts a request in; false when the model is retired (the caller takes the current one instead). */
    public synchronized boolean tryEnter() {
        if (retired) {
            return false;
        }
        active++;
        return true;
    }

    public synchronized void exit() {
        active--;
        if (active == 0) {
            notifyAll();
        }
    }

    public synchronized int active() {
        return active;
    }

    /** Takes no new requests from now on; waits up to {@code timeoutNanos} for the running ones. */
    public synchronized boolean retire(long timeoutNanos) throws InterruptedException {
        retired = true;
        long deadline = System.nanoTime() + timeoutNanos;
        while (active > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
