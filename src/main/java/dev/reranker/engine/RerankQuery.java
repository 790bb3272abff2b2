package dev.reranker.engine;

import java.util.List;

/** A query and the documents to order by relevance to it. */
public record RerankQuery(String query, List<String> documents, RerankOptions options) {
}
