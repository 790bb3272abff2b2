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
        RerankerConfig.Batch batch = config.batch();
        return new BatchScheduler(new SchedulerSettings(batch.maxTokens(), batch.maxPairs(), batch.maxWait().toNanos(),
                batch.workers(), batch.maxQueuedPairs()), registry);
    }

    void close(@Disposes BatchScheduler scheduler) {
        scheduler.close();
    }
}
