package dev.reranker.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Body of Cohere's (and Jina's) rerank. Documents are strings or objects with a {@code text} field;
 * unknown fields are ignored and JSON null means "not given", as Cohere's SDKs send them.
 */
record CohereRerankRequest(
        String model,
        String query,
        List<JsonNode> documents,
        @JsonProperty("top_n") Integer topN,
        @JsonProperty("return_documents") Boolean returnDocuments,
        @JsonProperty("max_tokens_per_doc") Integer maxTokensPerDoc,
        @JsonProperty("max_chunks_per_doc") Integer maxChunksPerDoc) {
}
