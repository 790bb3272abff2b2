package dev.reranker.engine;

/**
 * A request the service could not serve, with a message fit for the client and the kind of failure; each wire format
 * maps the kind to its own status and body.
 */
public class ServiceException extends RuntimeException {

    private final ErrorKind kind;
    private final long retryAfterSeconds;

    public ServiceException(ErrorKind kind, String message) {
        this(kind, message, 0, null);
    }

    public ServiceException(ErrorKind kind, String message, long retryAfterSeconds, Throwable cause) {
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
