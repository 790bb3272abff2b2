package dev.reranker.engine;

/** Where a request's time went, in nanoseconds (TEI reports them as x-*-time headers). */
public record Timings(long tokenizationNanos, long queueNanos, long inferenceNanos, long totalNanos) {
}
