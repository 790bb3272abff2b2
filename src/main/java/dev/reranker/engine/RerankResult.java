package dev.reranker.engine;

import java.util.List;

/**
 * Documents ordered by relevance, most relevant first (ties keep request order).
 *
 * @param ranked one entry per document
 * @param model name of the model that scored them
 * @param tokens tokens fed to the model for this request (special tokens included, padding excluded)
 * @param pairs pairs scored: one per document, or one per window of a split document
 * @param timings where the time went
 */
public record RerankResult(List<Ranked> ranked, String model, long tokens, int pairs, Timings timings) {
}
