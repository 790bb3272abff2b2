package dev.reranker.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.reranker.engine.BestWindow;

/** Cohere's rerank response, with Jina's {@code usage} beside Cohere's {@code meta}. */
public record CohereRerankResponse(String id, String model, List<Result> results, Usage usage, Meta meta) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    /** {@code best_window}: where the best window of a document scored in windows sits in its text. */
    public record Result(int index, @JsonProperty("relevance_score") float relevanceScore, Document document,
            @JsonProperty("best_window") BestWindow bestWindow) {
    }

    public record Document(String text) {
    }

    public record Usage(@JsonProperty("total_tokens") long totalTokens) {
    }

    public record Meta(@JsonProperty("api_version") ApiVersion apiVersion,
            @JsonProperty("billed_units") BilledUnits billedUnits) {
    }

    public record ApiVersion(String version) {
    }

    public record BilledUnits(@JsonProperty("search_units") long searchUnits) {
    }
}
