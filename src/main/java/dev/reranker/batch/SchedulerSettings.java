package dev.reranker.batch;

/**
 * Limits of the scheduler; their bounds are declared on {@code RerankerConfig.Batch}.
 *
 * @param maxTokens padded tokens (pairs x longest pair) a batch may hold
 * @param maxPairs pairs a batch may hold
 * @param maxWaitNanos how long the oldest pair may wait for company; 0 = one request per batch, unsorted,
 *        ignoring the token budget (the per-request batching of a hand-written wrapper, kept
 *        to measure what coalescing gains)
 * @param workers batches computed at once
 * @param maxQueuedPairs pairs admitted and not yet answered beyond which requests are refused (a memory bound)
 * @param maxQueuedNanos estimated time to compute what is admitted, a new request included, beyond which it is
 *        refused
 */
public record SchedulerSettings(int maxTokens, int maxPairs, long maxWaitNanos, int workers, int maxQueuedPairs,
        long maxQueuedNanos) {

    /** Without a time bound: pairs alone limit the queue. */
    public SchedulerSettings(int maxTokens, int maxPairs, long maxWaitNanos, int workers, int maxQueuedPairs) {
        this(maxTokens, maxPairs, maxWaitNanos, workers, maxQueuedPairs, Long.MAX_VALUE);
    }

    /** False in the comparison mode where every batch is one whole request. */
    public boolean coalesces() {
        return maxWaitNanos > 0;
    }
}
