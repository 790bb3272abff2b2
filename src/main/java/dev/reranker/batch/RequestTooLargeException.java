package dev.reranker.batch;

/** A request the scheduler would refuse even with nothing else queued: the client must send less. */
public class RequestTooLargeException extends RuntimeException {

    public RequestTooLargeException(String message) {
        super(message);
    }
}
