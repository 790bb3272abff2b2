package dev.reranker.batch;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Capacity reserved for one request's pairs between its admission and its last score. Released once, whoever gets
 * there first: completion, cancellation, timeout or a tokenization failure.
 */
public final class Reservation {

    private final AdmissionControl admission;
    private final PairQueue queue;
    private final AtomicInteger pairs;
    private final AtomicBoolean released = new AtomicBoolean();
    private final AtomicBoolean announced = new AtomicBoolean(true);

    Reservation(AdmissionControl admission, PairQueue queue, int pairs) {
        this.admission = admission;
        this.queue = queue;
        this.pairs = new AtomicInteger(pairs);
    }

    public int pairs() {
        return pairs.get();
    }

    /** Reserves {@code extra} more pairs (the request's documents split into windows). */
    void extend(int extra) {
        admission.extend(pairs.get(), extra);
        pairs.addAndGet(extra);
    }

    /** Gives the reserved capacity back; later calls do nothing. */
    public void release() {
        arrived();
        if (released.compareAndSet(false, true)) {
            admission.release(pairs.get());
            queue.wakeUp();
        }
    }

    /** The request's pairs are queued or never will be: the queue no longer waits for them. */
    void arrived() {
        if (announced.compareAndSet(true, false)) {
            queue.arrived();
        }
    }
}
