package dev.reranker.engine;

/** A request the engine could not score, with a message fit for the client. */
public class RerankException extends RuntimeException {

    private final ErrorKind kind;
    private final long retryAfterSeconds;

    public RerankException(ErrorKind kind, String message) {
        this(kind, message, 0, null);
    }

    public RerankException(ErrorKind kind, String message, long retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ErrorKind kind() {
        return kind;
    }

    /** Seconds a client should wait before retrying; 0 when not applicable. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
