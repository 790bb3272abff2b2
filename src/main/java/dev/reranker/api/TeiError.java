package dev.reranker.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** TEI's error body: {@code {"error": "...", "error_type": "validation"}}. */
public record TeiError(String error, @JsonProperty("error_type") String errorType) {
}
