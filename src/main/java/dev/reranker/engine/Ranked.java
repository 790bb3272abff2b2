package dev.reranker.engine;

/**
 * One document's place in the answer.
 *
 * @param index its position in the request
 * @param logit the model's raw relevance logit (the best window's, for a split document)
 * @param score sigmoid(logit), in (0, 1)
 * @param bestWindow the window that won, for a document scored in windows; null for one scored whole
 */
public record Ranked(int index, float logit, float score, BestWindow bestWindow) {

    static Ranked of(int index, float logit, BestWindow bestWindow) {
        return new Ranked(index, logit, (float) (1.0 / (1.0 + Math.exp(-logit))), bestWindow);
    }
}
