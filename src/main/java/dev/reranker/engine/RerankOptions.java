package dev.reranker.engine;

import dev.reranker.config.TruncationSide;

/**
 * Per-request choices.
 *
 * @param truncate cut pairs longer than max-length (false: reject them)
 * @param side which end of a text is cut
 * @param maxDocTokens cap on each document's tokens (Cohere's max_tokens_per_doc); 0 = none
 * @param maxChunks windows a long document may be split into; 1 = truncate; 0 = the server's default
 */
public record RerankOptions(boolean truncate, TruncationSide side, int maxDocTokens, int maxChunks) {
}
