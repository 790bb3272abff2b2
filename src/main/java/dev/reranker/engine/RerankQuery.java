package dev.reranker.engine;

import java.util.List;

/**
 * A query and the documents to order by relevance to it, as the API layer validated them: a non-blank query, one to
 * max-client-batch-size documents, none of them null.
 */
public record RerankQuery(String query, List<String> documents, RerankOptions options) {
}
