package dev.reranker.batch;

import java.util.List;

import dev.reranker.tokenize.EncodedPair;

/** Computes one batch: a logit per pair, in order. Implemented over an inference session. */
@FunctionalInterface
public interface BatchRunner {

    float[] run(List<EncodedPair> pairs);
}
