package dev.reranker.batch;

/**
 * Decides, before a request's pairs exist, whether the service takes it: the scheduler's one place of
 * back-pressure. Lock-free on purpose (atomics only): it runs on the HTTP event loop for every request, also for
 * those it refuses, and must never wait for the queue's lock while a worker holds it. (Only when a busy period
 * begins or ends does it tell the estimate, whose lock is never held for longer than a few arithmetic steps.)
 *
 * <p>
 * Work is counted twice: in pairs, held in memory until their request is answered (bounded by
 * reranker.batch.max-queued-pairs), and in tokens not yet computed, which the {@link ThroughputEstimate} turns into
 * seconds (bounded by reranker.batch.max-queued-time).
 */
interface AdmissionControl {

    /**
     * Reserves room for a request of {@code pairs} pairs and {@code tokens} tokens.
     *
     * @throws RequestTooLargeException when it could not be taken even alone
     * @throws OverloadedException when it does not fit beside what is admitted
     * @throws SchedulerClosedException once {@link #close()} was called
     */
    void reserve(int pairs, long tokens);

    /**
     * Changes an admitted request's reservation from {@code pairs}/{@code tokens} (an estimate) to
     * {@code newPairs}/{@code newTokens} (what tokenization found).
     *
     * @throws RequestTooLargeException when it could not be taken even alone
     * @throws OverloadedException when it grew and no longer fits beside what others hold
     */
    void resize(int pairs, long tokens, int newPairs, long newTokens);

    /** {@code tokens} admitted tokens were computed: their time is no longer ahead (their pairs are still held). */
    void computed(long tokens);

    /** Gives back {@code pairs} reserved pairs and {@code tokens} tokens not computed. */
    void release(int pairs, long tokens);

    /**
     * Why no request can be admitted now, or null: a cheap check made before a request body is parsed. Closed is
     * not full: a request refused while draining is told the service is shutting down (503), not to come back (429).
     */
    OverloadedException saturated();

    /** Pairs reserved and not yet given back. */
    long reserved();

    /** Estimated seconds to compute what is admitted and not yet computed; 0 while the speed is unknown. */
    double queuedSeconds();

    /**
     * The service stops taking work at {@code nanoTime} (System.nanoTime()): what is admitted from now on must be
     * computed by then.
     */
    void closesAt(long nanoTime);

    /** Refuses every later reservation; what is reserved stays until released. */
    void close();
}
