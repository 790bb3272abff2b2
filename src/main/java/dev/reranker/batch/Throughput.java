package dev.reranker.batch;

/**
 * The scheduler's estimate of the served model's speed, for /info and metrics.
 *
 * @param known false while no model is calibrated (the other figures are then NaN or defaults)
 * @param secondsPerPaddedToken a batch's wall time divided by its padded tokens (pairs x longest pair)
 * @param secondsPerToken per real token of a backlog, padding included as recent batches carried it and times the
 *        overhead ratio: what admission uses
 * @param paddingRatio padded tokens / real tokens of recent batches
 * @param tokensPerPair real tokens of a recent pair; NaN before a batch was measured
 * @param charsPerToken characters per token of recent requests, for estimating a request before tokenizing it
 * @param overheadRatio wall time of recent busy periods over the compute time of their tokens (parsing, tokenizing
 *        and answering around the model), at least 1
 * @param batches batches measured since the model's warm-up
 * @param queuedSeconds estimated seconds to compute what is admitted and not yet computed
 */
public record Throughput(boolean known, double secondsPerPaddedToken, double secondsPerToken, double paddingRatio,
        double tokensPerPair, double charsPerToken, double overheadRatio, long batches, double queuedSeconds) {

    /** Pairs per second at the recent pair length; NaN before a batch was measured. */
    public double pairsPerSecond() {
        return 1.0 / (secondsPerToken * tokensPerPair);
    }
}
