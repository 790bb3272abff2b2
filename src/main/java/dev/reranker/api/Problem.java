package dev.reranker.api;

/**
 * An answer that is not a result: status, a message in the API's own words, TEI's {@code error_type}, and how long a
 * client should wait before retrying (0: no {@code Retry-After}).
 */
record Problem(int status, String message, String type, long retryAfterSeconds) {

    Problem(int status, String message, String type) {
        this(status, message, type, 0);
    }
}
