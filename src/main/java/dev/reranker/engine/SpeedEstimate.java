package dev.reranker.engine;

import java.time.Duration;

/**
 * What the service believes of the served model's speed and of the work it has admitted, for /info: the
 * scheduler's throughput estimate (NaN where nothing is known yet) and the bound admission applies.
 *
 * @param secondsPerPaddedToken a batch's wall time divided by its padded tokens
 * @param secondsPerToken per real token of a backlog, padding and overhead included: what admission uses
 * @param paddingRatio padded / real tokens of recent batches
 * @param tokensPerPair real tokens of a recent pair
 * @param pairsPerSecond pairs per second at that length
 * @param charsPerToken characters per token of recent requests
 * @param overheadRatio wall time of recent busy periods over the compute time of their tokens
 * @param batches batches measured since the model's warm-up
 * @param queuedSeconds estimated seconds to compute what is admitted
 * @param maxQueuedTime the bound on queued plus new work
 */
public record SpeedEstimate(double secondsPerPaddedToken, double secondsPerToken, double paddingRatio,
        double tokensPerPair, double pairsPerSecond, double charsPerToken, double overheadRatio, long batches,
        double queuedSeconds,
        Duration maxQueuedTime) {
}
