package dev.reranker.model.hub;

import dev.reranker.model.ModelLoadException;

/** The Hub, the network or the cache stopped a model from being fetched; the message is the one log line. */
class HubException extends ModelLoadException {

    public HubException(String message) {
        super(message);
    }

    public HubException(String message, Throwable cause) {
        super(message, cause);
    }
}
