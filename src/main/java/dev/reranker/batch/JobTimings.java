package dev.reranker.batch;

/**
 * Where a request's time went inside the scheduler.
 *
 * @param queueNanos from enqueue to the start of its first batch
 * @param inferenceNanos wall time of the batches that carried its pairs, summed
 * @param tokens tokens of its pairs (without padding)
 * @param batches batches its pairs were spread over
 */
public record JobTimings(long queueNanos, long inferenceNanos, long tokens, int batches) {
}
