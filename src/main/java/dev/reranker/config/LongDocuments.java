package dev.reranker.config;

/** Documents longer than max-length. */
public enum LongDocuments {
    /** Score the part that fits (TEI's behaviour). */
    TRUNCATE,
    /** Score every window of the document and keep the best. */
    CHUNK
}
