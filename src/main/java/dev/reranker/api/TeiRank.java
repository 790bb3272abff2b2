package dev.reranker.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import dev.reranker.engine.BestWindow;

/** One element of TEI's rerank response; {@code best_window} only for a text scored in windows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record TeiRank(int index, float score, String text, @JsonProperty("best_window") BestWindow bestWindow) {
}
