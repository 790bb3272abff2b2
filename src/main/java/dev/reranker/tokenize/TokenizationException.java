package dev.reranker.tokenize;

/** The tokenizer rejected a text. */
public class TokenizationException extends RuntimeException {

    public TokenizationException(String message, Throwable cause) {
        super(message, cause);
    }
}
