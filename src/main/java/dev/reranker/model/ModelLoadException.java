package dev.reranker.model;

/** A model that cannot be served; the message names the file and the problem, for one log line. */
public class ModelLoadException extends RuntimeException {

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
