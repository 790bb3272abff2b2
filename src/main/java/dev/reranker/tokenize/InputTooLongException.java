package dev.reranker.tokenize;

/** A pair longer than max-length while truncation is off. */
public class InputTooLongException extends RuntimeException {

    private final boolean atLeast;

    public InputTooLongException(int length, int maxLength, boolean atLeast) {
        super("`inputs` must have less than " + (maxLength + 1) + " tokens. Given: " + (atLeast ? "more than " : "")
                + length + " (max-length " + maxLength + "; send truncate=true to cut it)");
        this.atLeast = atLeast;
    }

    /** True when the pair is longer than its message says: the character budget cut a text before tokenizing. */
    public boolean atLeast() {
        return atLeast;
    }
}
