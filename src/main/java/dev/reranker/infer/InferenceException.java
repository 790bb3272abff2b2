package dev.reranker.infer;

/** A session run that failed; fails the batch it was computing, not the service. */
class InferenceException extends RuntimeException {

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
