package dev.reranker.engine;

import java.util.List;

/**
 * Documents ordered by relevance, most relevant first (ties keep request order).
 *
 * @param ranked  one entry per document
 * @param tokens  tokens fed to the model for this request (special tokens included, padding excluded)
 * @param timings where the time went
 */
public record RerankResult(List<Ranked> ranked, long tokens, Timings timings) {
}
