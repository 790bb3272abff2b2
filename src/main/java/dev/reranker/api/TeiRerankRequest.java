package dev.reranker.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Body of TEI's {@code POST /rerank}. Every field but query and texts is optional; JSON null means "not given".
 * {@code max_chunks_per_doc} is this service's own (TEI only truncates): score a long text in up to that many
 * windows and keep the best.
 */
@Schema(name = "TeiRerankRequest", requiredProperties = { "query", "texts" })
record TeiRerankRequest(
        @Schema(description = "The search query", minLength = 1, examples = "what license allows redistribution") String query,
        @Schema(description = "The texts to score against the query", minItems = 1) List<String> texts,
        @Schema(description = "Cut pairs longer than the model's maximum length (default: reranker.auto-truncate)") Boolean truncate,
        @Schema(description = "Which end of a text is cut", enumeration = {
                "Right", "Left" }, examples = "Right") @JsonProperty("truncation_direction") String truncationDirection,
        @Schema(description = "Logits instead of sigmoid(logit)") @JsonProperty("raw_scores") Boolean rawScores,
        @Schema(description = "Echo each text in the results") @JsonProperty("return_text") Boolean returnText,
        @Schema(description = "Score a long text in up to this many windows and keep the best", minimum = "1", examples = "1") @JsonProperty("max_chunks_per_doc") Integer maxChunksPerDoc){
}
