package dev.reranker.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Cohere's rerank response, with Jina's {@code usage} beside Cohere's {@code meta}. */
public record CohereRerankResponse(String id, String model, List<Result> results, Usage usage, Meta meta) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(int index, @JsonProperty("relevance_score") float relevanceScore, Document document) {
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
