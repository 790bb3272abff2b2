package dev.reranker.tokenize;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;

/**
 * How a pair must be fitted.
 *
 * @param maxLength longest pair, special tokens included
 * @param strategy flag or longest_first
 * @param truncate false: a pair that does not fit is an error instead of being cut
 * @param side which end of a text is cut
 * @param maxDocTokens cap on the document's own tokens (Cohere's max_tokens_per_doc); 0 = none
 */
public record PairLimits(int maxLength, Truncation strategy, boolean truncate, TruncationSide side, int maxDocTokens) {
}
