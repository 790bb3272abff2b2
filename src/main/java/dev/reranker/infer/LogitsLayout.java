package dev.reranker.infer;

/**
 * How the relevance logit sits in the model's first output: {@code [batch, 1]}, {@code [batch]},
 * or {@code [batch, 2]} (a two-class head whose index 1 is "relevant").
 */
enum LogitsLayout {
    SINGLE,
    FLAT,
    TWO_CLASS;

    /** Layout from an output's shape, -1 for dynamic dimensions. */
    static LogitsLayout of(long[] shape) {
        if (shape.length == 1) {
            return FLAT;
        }
        if (shape.length == 2 && shape[1] == 1) {
            return SINGLE;
        }
        if (shape.length == 2 && shape[1] == 2) {
            return TWO_CLASS;
        }
        throw new IllegalArgumentException("expected logits of shape [batch, 1], [batch] or [batch, 2], found "
                + java.util.Arrays.toString(shape));
    }

    int stride() {
        return this == TWO_CLASS ? 2 : 1;
    }

    int offset() {
        return this == TWO_CLASS ? 1 : 0;
    }
}
