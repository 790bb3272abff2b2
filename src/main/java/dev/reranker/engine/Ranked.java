package dev.reranker.engine;

/**
 * One document's place in the answer.
 *
 * @param index  its position in the request
 * @param logit  the model's raw relevance logit
 * @param score  sigmoid(logit), in (0, 1)
 */
public record Ranked(int index, float logit, float score) {

    static Ranked of(int index, float logit) {
        return new Ranked(index, logit, (float) (1.0 / (1.0 + Math.exp(-logit))));
    }
}
