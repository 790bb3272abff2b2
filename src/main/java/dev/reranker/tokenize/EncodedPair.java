package dev.reranker.tokenize;

/**
 * One query-document pair as the model reads it: special tokens included, already cut to fit.
 *
 * @param ids token ids
 * @param typeIds token type ids (segment ids), same length as ids
 */
// Arrays on purpose: hot-path carriers of token ids, never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record EncodedPair(int[] ids, int[] typeIds) {

    public int length() {
        return ids.length;
    }
}
