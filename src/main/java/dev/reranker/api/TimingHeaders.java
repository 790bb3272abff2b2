package dev.reranker.api;

import jakarta.ws.rs.core.Response;

import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Timings;

/** TEI's timing headers, in milliseconds, on every scoring response. */
final class TimingHeaders {

    private TimingHeaders() {
    }

    static Response.ResponseBuilder add(Response.ResponseBuilder builder, RerankResult result) {
        Timings t = result.timings();
        return builder.header("x-compute-tokens", result.tokens())
                .header("x-tokenization-time", millis(t.tokenizationNanos()))
                .header("x-queue-time", millis(t.queueNanos()))
                .header("x-inference-time", millis(t.inferenceNanos()))
                .header("x-total-time", millis(t.totalNanos()));
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }
}
