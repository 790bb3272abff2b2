package dev.reranker.engine;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.reranker.batch.DropReason;
import dev.reranker.batch.OverloadedException;
import dev.reranker.batch.RequestTooLargeException;
import dev.reranker.batch.Reservation;
import dev.reranker.batch.SchedulerClosedException;
import dev.reranker.batch.ScoringJob;
import dev.reranker.tokenize.TokenizationException;

/**
 * A request in flight, and the owner of everything it holds: its lease on the model, its reservation in the queue,
 * its queued pairs. Completing it any way (scores, failure, timeout, cancellation) drops what of it still waits and
 * gives the reservation back; the lease goes back once the request is settled, i.e. answered and no longer being
 * tokenized (the tokenizer belongs to the leased model). Every failure is translated here, once, into a
 * {@link ServiceException}.
 */
public final class RerankCall {

    private final long timeoutMillis;
    private final CompletableFuture<RerankResult> raw = new CompletableFuture<>();
    private final CompletableFuture<RerankResult> result;
    /** Completes when no tokenization task of this call is running or will run. */
    private final CompletableFuture<Void> tokenized = new CompletableFuture<>();
    private final long startedAt = System.nanoTime();
    private volatile Reservation reservation;
    private volatile ScoringJob job;

    RerankCall(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
        this.result = raw.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).handle((value, error) -> {
            if (error == null) {
                return value;
            }
            cleanUp(reason(error));
            throw translate(error);
        });
    }

    /** Scores in order, or a {@link ServiceException} (or a {@link CancellationException} when the client left). */
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

    /** Takes {@code lease} for the whole call: released once the call is answered and no longer tokenized. */
    @SuppressWarnings("FutureReturnValueIgnored") // releasing cannot fail
    void hold(ModelLease lease) {
        CompletableFuture.allOf(result, tokenized).whenComplete((ignored, error) -> lease.release());
    }

    /** Nothing of this call is (or will be) tokenized any more. */
    void tokenizationEnded() {
        tokenized.complete(null);
    }

    Reservation reservation() {
        return reservation;
    }

    void reserved(Reservation admitted) {
        this.reservation = admitted;
        if (raw.isDone()) {
            admitted.release();
        }
    }

    void attach(ScoringJob scoringJob) {
        this.job = scoringJob;
        if (raw.isDone()) {
            scoringJob.cancel(raw.handle((value, error) -> error == null ? DropReason.FAILED : reason(error))
                    .getNow(DropReason.FAILED));
        }
    }

    void complete(RerankResult value) {
        raw.complete(value);
    }

    /** Ends the call with {@code error}; false when it had already ended. */
    boolean fail(Throwable error) {
        return raw.completeExceptionally(error);
    }

    /** Drops what of this call still waits: nothing more is computed for it. */
    private void cleanUp(DropReason why) {
        ScoringJob current = job;
        if (current != null) {
            current.cancel(why);
        }
        Reservation held = reservation;
        if (held != null) {
            held.release();
        }
    }

    private static DropReason reason(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof TimeoutException) {
            return DropReason.TIMEOUT;
        }
        if (cause instanceof CancellationException) {
            return DropReason.DISCONNECTED;
        }
        if (cause instanceof SchedulerClosedException
                || (cause instanceof ServiceException service && service.kind() == ErrorKind.UNHEALTHY)) {
            return DropReason.SHUTDOWN;
        }
        return DropReason.FAILED;
    }

    /** The one place where what went wrong below the engine becomes what a client is told. */
    private RuntimeException translate(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof ServiceException service) {
            return service;
        }
        if (cause instanceof CancellationException cancelled) {
            return cancelled;
        }
        if (cause instanceof TimeoutException) {
            return new ServiceException(ErrorKind.TIMEOUT, "Request timed out after " + timeoutMillis
                    + " ms (reranker.request-timeout) waiting for the model; the service is overloaded", 1, cause);
        }
        if (cause instanceof RequestTooLargeException) {
            return new ServiceException(ErrorKind.VALIDATION, "Input validation error: " + cause.getMessage(), 0,
                    cause);
        }
        if (cause instanceof OverloadedException overloaded) {
            return new ServiceException(ErrorKind.OVERLOADED, cause.getMessage(), overloaded.retryAfterSeconds(),
                    cause);
        }
        if (cause instanceof SchedulerClosedException || cause instanceof RejectedExecutionException) {
            return new ServiceException(ErrorKind.UNHEALTHY, "The service is shutting down", 0, cause);
        }
        if (cause instanceof TokenizationException) {
            return new ServiceException(ErrorKind.TOKENIZER, cause.getMessage(), 0, cause);
        }
        return new ServiceException(ErrorKind.BACKEND, "Inference failed: " + cause.getMessage(), 0, cause);
    }
}
