package dev.reranker.api;

/** Cohere's error body: {@code {"message": "..."}}. */
public record CohereError(String message) {
}
