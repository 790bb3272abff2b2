package dev.reranker.batch;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Capacity reserved for one request's pairs between its admission and its last score. Released
 * once, whoever gets there first: completion, cancellation, timeout or a tokenization failure.
 */
public final class Admission {

    private final BatchScheduler scheduler;
    private volatile int pairs;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean tokenizing = new AtomicBoolean(true);

    Admission(BatchScheduler scheduler, int pairs) {
        this.scheduler = scheduler;
        this.pairs = pairs;
    }

    public int pairs() {
        return pairs;
    }

    void grow(int extra) {
        pairs += extra;
    }

    /** Gives the reserved capacity back; later calls do nothing. */
    public void release() {
        leaveTokenization();
        if (released.compareAndSet(false, true)) {
            scheduler.release(pairs);
        }
    }

    /** The request's pairs are either queued or will never be: it no longer counts as "more coming". */
    void leaveTokenization() {
        if (tokenizing.compareAndSet(true, false)) {
            scheduler.tokenizationDone();
        }
    }
}
