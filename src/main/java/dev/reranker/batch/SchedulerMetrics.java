package dev.reranker.batch;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** What the scheduler reports to Prometheus. */
final class SchedulerMetrics {

    private final DistributionSummary batchPairs;
    private final DistributionSummary batchTokens;
    private final DistributionSummary paddingRatio;
    private final Counter paddedTokens;
    private final Counter realTokens;
    private final Timer queueWait;
    private final Timer inference;
    private final Counter pairsScored;
    private final Counter batchFailures;
    private final Counter pairsDropped;

    SchedulerMetrics(MeterRegistry registry) {
        batchPairs = DistributionSummary.builder("reranker.batch.pairs").description("Pairs per batch")
                .publishPercentileHistogram().register(registry);
        batchTokens = DistributionSummary.builder("reranker.batch.tokens")
                .description("Padded tokens per batch (pairs x longest pair)").publishPercentileHistogram()
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
                .publishPercentileHistogram().register(registry);
        inference = Timer.builder("reranker.inference").description("Session run time per batch")
                .publishPercentileHistogram().register(registry);
        pairsScored = Counter.builder("reranker.pairs.scored").description("Pairs computed by the model")
                .register(registry);
        batchFailures = Counter.builder("reranker.batch.failures").description("Batches whose session run failed")
                .register(registry);
        pairsDropped = Counter.builder("reranker.pairs.dropped")
                .description("Queued pairs dropped before computing (cancelled, timed out)").register(registry);
    }

    /** The queue's and the admission's sizes, read when Prometheus scrapes. */
    static void gauges(MeterRegistry registry, Supplier<Number> queuedPairs, Supplier<Number> queuedRequests,
            Supplier<Number> admittedPairs) {
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

    void dropped(int pairs) {
        pairsDropped.increment(pairs);
    }
}
