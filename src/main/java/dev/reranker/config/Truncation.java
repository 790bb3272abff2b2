package dev.reranker.config;

/** Layouts for a pair longer than max-length, as defined by the reference data. */
public enum Truncation {
    /** FlagEmbedding: query cut to 3/4 of max-length, the document gets the rest. */
    FLAG,
    /** sentence-transformers CrossEncoder: the longer side loses tokens until the pair fits. */
    LONGEST_FIRST
}
