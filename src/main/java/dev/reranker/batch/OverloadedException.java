package dev.reranker.batch;

/** The queue holds more pairs than the configured limit; the client should retry later. */
public class OverloadedException extends RuntimeException {

    private final long retryAfterSeconds;

    public OverloadedException(String message, long retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
