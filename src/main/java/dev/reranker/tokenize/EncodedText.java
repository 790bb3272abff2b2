package dev.reranker.tokenize;

/**
 * One text encoded without special tokens.
 *
 * @param ids token ids of the text (or of its first/last {@code budget} characters)
 * @param starts character offset in the original text where each token starts
 * @param ends character offset in the original text where each token ends
 * @param charsSeen characters the tokenizer was given; less than the text's length when cut
 * @param textLength length of the original text in chars
 */
// Arrays on purpose: hot-path carriers of token ids, never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
public record EncodedText(int[] ids, int[] starts, int[] ends, int charsSeen, int textLength) {

    public int length() {
        return ids.length;
    }

    /** True when the character budget cut the text before tokenization. */
    public boolean cut() {
        return charsSeen < textLength;
    }
}
