package dev.reranker.lifecycle;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.batch.SchedulerSettings;
import dev.reranker.config.RerankerConfig;
import io.micrometer.core.instrument.MeterRegistry;

/** The one scheduler of the process, built from the configuration. */
class SchedulerProducer {

    @Produces
    @Singleton
    BatchScheduler scheduler(RerankerConfig config, MeterRegistry registry) {
        return new BatchScheduler(settings(config), registry);
    }

    /** The scheduler's limits; max-queued-time defaults to 80 % of the request timeout. */
    static SchedulerSettings settings(RerankerConfig config) {
        RerankerConfig.Batch batch = config.batch();
        long maxQueued = batch.maxQueuedTime().orElse(config.requestTimeout().multipliedBy(4).dividedBy(5)).toNanos();
        return new SchedulerSettings(batch.maxTokens(), batch.maxPairs(), batch.maxWait().toNanos(), batch.workers(),
                batch.maxQueuedPairs(), maxQueued);
    }

    void close(@Disposes BatchScheduler scheduler) {
        scheduler.close();
    }
}
