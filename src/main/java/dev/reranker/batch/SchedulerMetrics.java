package dev.reranker.batch;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * What the scheduler reports to Prometheus. Histograms have fixed buckets sized to what they measure (a dozen or
 * so each): Micrometer's percentile histogram would publish 276 buckets up to 4.2E18 for a count of pairs.
 */
final class SchedulerMetrics {

    /** Pairs per batch: powers of two up to 1024 (max-pairs is rarely set higher). */
    private static final double[] PAIRS = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024 };
    /** Padded tokens per batch: 128 to 64K, around the default token budget of 1024. */
    private static final double[] TOKENS = { 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536 };
    /** Queue wait and session run time: 1 ms to 30 s (the request timeout). */
    private static final Duration[] TIMES = { Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30) };

    private final DistributionSummary batchPairs;
    private final DistributionSummary batchTokens;
    private final DistributionSummary paddingRatio;
    private final Counter paddedTokens;
    private final Counter realTokens;
    private final Timer queueWait;
    private final Timer inference;
    private final Counter pairsScored;
    private final Counter batchFailures;
    private final Map<DropReason, Counter> pairsDropped = new EnumMap<>(DropReason.class);

    SchedulerMetrics(MeterRegistry registry) {
        batchPairs = DistributionSummary.builder("reranker.batch.pairs").description("Pairs per batch")
                .serviceLevelObjectives(PAIRS).register(registry);
        batchTokens = DistributionSummary.builder("reranker.batch.tokens")
                .description("Padded tokens per batch (pairs x longest pair)").serviceLevelObjectives(TOKENS)
                .register(registry);
        paddingRatio = DistributionSummary.builder("reranker.batch.padding.ratio")
                .description("Padded tokens / real tokens per batch").register(registry);
        paddedTokens = Counter.builder("reranker.tokens.padded")
                .description(
                        "Tokens fed to the model including padding; divided by reranker_tokens_real: padding ratio")
                .register(registry);
        realTokens = Counter.builder("reranker.tokens.real")
                .description("Tokens of the pairs computed, without padding")
                .register(registry);
        queueWait = Timer.builder("reranker.queue.wait").description("Time from enqueue to a request's first batch")
                .serviceLevelObjectives(TIMES).register(registry);
        inference = Timer.builder("reranker.inference").description("Session run time per batch")
                .serviceLevelObjectives(TIMES).register(registry);
        pairsScored = Counter.builder("reranker.pairs.scored").description("Pairs computed by the model")
                .register(registry);
        batchFailures = Counter.builder("reranker.batch.failures").description("Batches whose session run failed")
                .register(registry);
        for (DropReason reason : DropReason.values()) {
            pairsDropped.put(reason, Counter.builder("reranker.pairs.dropped").tag("reason", reason.tag())
                    .description("Queued pairs never computed because their request timed out, its client"
                            + " disconnected, it failed, or the service stopped")
                    .register(registry));
        }
    }

    /** The queue's and the admission's sizes, read when Prometheus scrapes. */
    static void gauges(MeterRegistry registry, Supplier<Number> queuedPairs, Supplier<Number> queuedRequests,
            Supplier<Number> admittedPairs, Supplier<Number> queuedSeconds, Supplier<Number> secondsPerToken,
            Supplier<Number> pairsPerSecond) {
        Gauge.builder("reranker.queue.seconds", queuedSeconds)
                .description("Estimated seconds to compute what is admitted and not yet computed (what"
                        + " max-queued-time bounds)")
                .register(registry);
        Gauge.builder("reranker.throughput.seconds.per.token", secondsPerToken)
                .description("Estimated seconds of compute per token (padding included) of the served model; NaN"
                        + " while none is")
                .register(registry);
        Gauge.builder("reranker.throughput.pairs.per.second", pairsPerSecond)
                .description("Estimated pairs per second at the recent pair length; NaN before a batch was measured")
                .register(registry);
        Gauge.builder("reranker.queue.pairs", queuedPairs).description("Pairs waiting for a batch")
                .register(registry);
        Gauge.builder("reranker.queue.requests", queuedRequests).description("Requests with pairs waiting")
                .register(registry);
        Gauge.builder("reranker.admitted.pairs", admittedPairs)
                .description("Pairs admitted and not yet scored (what max-queued-pairs bounds)").register(registry);
    }

    void batch(int pairs, long paddedTokens, long realTokens, long nanos) {
        batchPairs.record(pairs);
        batchTokens.record((double) paddedTokens);
        paddingRatio.record(realTokens == 0 ? 1.0 : (double) paddedTokens / realTokens);
        this.paddedTokens.increment((double) paddedTokens);
        this.realTokens.increment((double) realTokens);
        inference.record(nanos, TimeUnit.NANOSECONDS);
        pairsScored.increment(pairs);
    }

    void queueWait(long nanos) {
        queueWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    void failure() {
        batchFailures.increment();
    }

    void dropped(DropReason reason, int pairs) {
        if (pairs > 0) {
            pairsDropped.get(reason).increment(pairs);
        }
    }
}
