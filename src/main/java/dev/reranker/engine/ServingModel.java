package dev.reranker.engine;

import dev.reranker.batch.BatchRunner;
import dev.reranker.tokenize.PairTokenizer;

/**
 * A loaded model as the engine uses it: its tokenizer and the runner that computes its batches.
 * Whoever loaded it closes it.
 */
public record ServingModel(ModelDescriptor descriptor, PairTokenizer tokenizer, BatchRunner runner) {
}
