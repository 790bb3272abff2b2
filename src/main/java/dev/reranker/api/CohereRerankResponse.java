package dev.reranker.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.reranker.engine.BestWindow;

/** Cohere's rerank response, with Jina's {@code usage} beside Cohere's {@code meta}. */
record CohereRerankResponse(String id, String model, List<Result> results, Usage usage, Meta meta) {

    /** {@code best_window}: where the best window of a document scored in windows sits in its text. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Result(int index, @JsonProperty("relevance_score") float relevanceScore, Document document,
            @JsonProperty("best_window") BestWindow bestWindow) {
    }

    record Document(String text) {
    }

    record Usage(@JsonProperty("total_tokens") long totalTokens) {
    }

    record Meta(@JsonProperty("api_version") ApiVersion apiVersion,
            @JsonProperty("billed_units") BilledUnits billedUnits) {
    }

    record ApiVersion(String version) {
    }

    record BilledUnits(@JsonProperty("search_units") long searchUnits) {
    }
}
