package dev.reranker.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One element of TEI's rerank response. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TeiRank(int index, float score, String text) {
}
