package dev.reranker.batch;

/**
 * Decides, before a request's pairs exist, whether the service takes it: the scheduler's one place of
 * back-pressure. Lock-free on purpose (atomics only): it runs on the HTTP event loop for every request, also for
 * those it refuses, and must never wait for the queue's lock while a worker holds it.
 *
 * <p>
 * {@link PairBudget} counts pairs against reranker.batch.max-queued-pairs. Another policy (admission by the
 * time the admitted work will take to compute, say) replaces it without touching the queue or the workers.
 */
interface AdmissionControl {

    /**
     * Reserves room for {@code pairs} pairs.
     *
     * @throws OverloadedException when they do not fit
     * @throws SchedulerClosedException once {@link #close()} was called
     */
    void reserve(int pairs);

    /**
     * Reserves {@code extra} more pairs for a request that already holds {@code held} (its documents were split
     * into windows).
     *
     * @throws OverloadedException when they do not fit beside what others hold
     */
    void extend(int held, int extra);

    /** Gives back {@code pairs} reserved pairs. */
    void release(int pairs);

    /** True when no request can be admitted now: a cheap check made before a request body is parsed. */
    boolean saturated();

    /** Pairs reserved and not yet given back. */
    long reserved();

    /** Refuses every later reservation; what is reserved stays until released. */
    void close();
}
