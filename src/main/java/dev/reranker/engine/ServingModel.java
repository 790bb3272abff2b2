package dev.reranker.engine;

import dev.reranker.batch.BatchRunner;
import dev.reranker.tokenize.PairTokenizer;

/**
 * A loaded model as the engine uses it: its tokenizer, the runner that computes its batches, and the count of
 * requests using it. Whoever loaded it closes it, after {@link InFlight#retire}.
 */
public record ServingModel(ModelDescriptor descriptor, PairTokenizer tokenizer, BatchRunner runner, InFlight inFlight) {

    public ServingModel(ModelDescriptor descriptor, PairTokenizer tokenizer, BatchRunner runner) {
        this(descriptor, tokenizer, runner, new InFlight());
    }
}
