package dev.reranker.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of TEI's {@code POST /rerank}. Every field but query and texts is optional; JSON null means "not given".
 * {@code max_chunks_per_doc} is this service's own (TEI only truncates): score a long text in up to that many
 * windows and keep the best.
 */
record TeiRerankRequest(
        String query,
        List<String> texts,
        Boolean truncate,
        @JsonProperty("truncation_direction") String truncationDirection,
        @JsonProperty("raw_scores") Boolean rawScores,
        @JsonProperty("return_text") Boolean returnText,
        @JsonProperty("max_chunks_per_doc") Integer maxChunksPerDoc) {
}
