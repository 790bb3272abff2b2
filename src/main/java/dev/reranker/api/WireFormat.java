package dev.reranker.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The error body a route answers with. Cohere's routes ({@code /v1/*}, {@code /v2/*}) answer {@code {"message"}} as
 * Cohere does; every other route ({@code /rerank}, {@code /info}, {@code /health}, {@code /admin/*}, unknown paths)
 * answers TEI's {@code {"error", "error_type"}}.
 */
enum WireFormat {
    TEI,
    COHERE;

    /** TEI's error body. */
    record TeiError(String error, @JsonProperty("error_type") String errorType) {
    }

    /** Cohere's error body. */
    record CohereError(String message) {
    }

    static WireFormat of(String path) {
        return path != null && (path.startsWith("/v1/") || path.startsWith("/v2/")) ? COHERE : TEI;
    }

    Object body(Problem problem) {
        return this == COHERE ? new CohereError(problem.message()) : new TeiError(problem.message(), problem.type());
    }
}
