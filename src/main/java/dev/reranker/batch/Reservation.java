package dev.reranker.batch;

/**
 * Capacity reserved for one request between its admission and its last score: its pairs (held until it is
 * answered) and its tokens not yet computed (given back batch by batch, so that admission sees the work still
 * ahead). Released once, whoever gets there first: completion, cancellation, timeout or a tokenization failure.
 */
public final class Reservation {

    private final AdmissionControl admission;
    private final PairQueue queue;
    // Guarded by this: changed by the tokenizing thread, the workers (under the queue's lock) and the caller's
    // clean-up, which may race; never held while taking the queue's lock.
    private int pairs;
    private long tokens;
    private boolean released;
    private boolean announced = true;

    Reservation(AdmissionControl admission, PairQueue queue, int pairs, long tokens) {
        this.admission = admission;
        this.queue = queue;
        this.pairs = pairs;
        this.tokens = tokens;
    }

    public synchronized int pairs() {
        return pairs;
    }

    /** Tokens reserved and not yet computed. */
    public synchronized long tokens() {
        return tokens;
    }

    /** Replaces the estimate made before tokenizing by what the request really holds. */
    synchronized void resize(int newPairs, long newTokens) {
        if (released) {
            return;
        }
        admission.resize(pairs, tokens, newPairs, newTokens);
        pairs = newPairs;
        tokens = newTokens;
    }

    /** {@code computed} tokens of this request were scored. */
    synchronized void computed(long computed) {
        long taken = Math.min(tokens, computed);
        if (released || taken <= 0) {
            return;
        }
        tokens -= taken;
        admission.computed(taken);
    }

    /** Gives the reserved capacity back; later calls do nothing. */
    public void release() {
        arrived();
        boolean first;
        synchronized (this) {
            first = !released;
            if (first) {
                released = true;
                admission.release(pairs, tokens);
                tokens = 0;
            }
        }
        if (first) {
            queue.wakeUp();
        }
    }

    /** The request's pairs are queued or never will be: the queue no longer waits for them. */
    void arrived() {
        boolean first;
        synchronized (this) {
            first = announced;
            announced = false;
        }
        if (first) {
            queue.arrived();
        }
    }
}
