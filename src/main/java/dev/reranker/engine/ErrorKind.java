package dev.reranker.engine;

/** Why a request was not served; each wire format maps these to its own status codes and bodies. */
public enum ErrorKind {
    /** Empty query or no documents. */
    EMPTY,
    /** A value the API does not accept: too many documents, an input too long with truncation off, a bad option. */
    VALIDATION,
    /** The tokenizer rejected a text. */
    TOKENIZER,
    /** The queue is full; retry later. */
    OVERLOADED,
    /** The model failed on the batch that carried the request. */
    BACKEND,
    /** No model is ready (starting, unloaded, draining, shutting down). */
    UNHEALTHY,
    /** The request waited longer than reranker.request-timeout. */
    TIMEOUT,
    /** Another model load or unload is in progress (admin API). */
    BUSY,
    /** The model asked for cannot be served; whatever served before still does (admin API). */
    LOAD_FAILED
}
