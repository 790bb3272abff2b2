package dev.reranker.engine;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.reranker.batch.Admission;
import dev.reranker.batch.ScoringJob;

/**
 * A request in flight. Completing it any way (scores, failure, timeout, cancellation) gives back its
 * queue capacity and drops whatever of it still waits in the queue: callers fail it and need not release
 * anything themselves.
 */
public final class RerankCall {

    private final Admission admission;
    private final CompletableFuture<RerankResult> raw = new CompletableFuture<>();
    private final CompletableFuture<RerankResult> result;
    private final long startedAt = System.nanoTime();
    private volatile ScoringJob job;

    RerankCall(Admission admission, long timeoutMillis) {
        this.admission = admission;
        this.result = raw.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error == null) {
                return value;
            }
            cleanUp();
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof TimeoutException) {
                throw new RerankException(ErrorKind.TIMEOUT, "Request timed out after " + timeoutMillis
                        + " ms (reranker.request-timeout) waiting for the model; the service is overloaded", 1, cause);
            }
            throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
        });
    }

    /** Scores in order, or a {@link RerankException}. */
    public CompletableFuture<RerankResult> result() {
        return result;
    }

    /** The client went away: stop working for it. */
    public void cancel() {
        raw.completeExceptionally(new CancellationException("client went away"));
    }

    boolean isDone() {
        return raw.isDone();
    }

    long startedAt() {
        return startedAt;
    }

    void attach(ScoringJob scoringJob) {
        this.job = scoringJob;
        if (raw.isDone()) {
            scoringJob.cancel();
        }
    }

    void complete(RerankResult value) {
        raw.complete(value);
    }

    void fail(Throwable error) {
        raw.completeExceptionally(error);
    }

    private void cleanUp() {
        admission.release();
        ScoringJob current = job;
        if (current != null) {
            current.cancel();
        }
    }
}
