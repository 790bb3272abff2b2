package dev.reranker.api;

/** Error body of the admin routes. */
public record AdminError(String error) {
}
