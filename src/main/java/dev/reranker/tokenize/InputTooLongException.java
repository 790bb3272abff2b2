package dev.reranker.tokenize;

/** A pair longer than max-length while truncation is off. */
public class InputTooLongException extends RuntimeException {

    private final int length;
    private final int maxLength;
    private final boolean atLeast;

    public InputTooLongException(int length, int maxLength, boolean atLeast) {
        super("`inputs` must have less than " + (maxLength + 1) + " tokens. Given: " + (atLeast ? "more than " : "")
                + length + " (max-length " + maxLength + "; send truncate=true to cut it)");
        this.length = length;
        this.maxLength = maxLength;
        this.atLeast = atLeast;
    }

    public int length() {
        return length;
    }

    public int maxLength() {
        return maxLength;
    }

    public boolean atLeast() {
        return atLeast;
    }
}
