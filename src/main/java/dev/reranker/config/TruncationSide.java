package dev.reranker.config;

/** Which end of a text is kept when it must be cut (TEI's truncation_direction names the side cut). */
public enum TruncationSide {
    /** Cut the end, keep the beginning (default). */
    RIGHT,
    /** Cut the beginning, keep the end. */
    LEFT
}
