package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.batch.SchedulerSettings;
import dev.reranker.engine.ModelSlot;
import dev.reranker.support.Configs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** A model that failed to load turns liveness DOWN with the reason; nothing else does but a stuck batch. */
class ModelHealthChecksTest {

    @Test
    void aFailedLoadTurnsLivenessDownWithTheReason() {
        ModelSlot slot = new ModelSlot();
        BatchScheduler scheduler = new BatchScheduler(new SchedulerSettings(1024, 8, 1_000_000, 1, 16),
                new SimpleMeterRegistry());
        try {
            ModelHealthChecks checks = new ModelHealthChecks(slot, scheduler, Configs.fromEnvironment(Map.of()));
            assertEquals(HealthCheckResponse.Status.UP, checks.live().call().getStatus());
            assertEquals(HealthCheckResponse.Status.DOWN, checks.started().call().getStatus(), "still loading");
            slot.failed("model.onnx is corrupt");
            HealthCheckResponse live = checks.live().call();
            assertEquals(HealthCheckResponse.Status.DOWN, live.getStatus());
            assertEquals("model.onnx is corrupt", live.getData().orElseThrow().get("error"));
            assertEquals("failed", live.getData().orElseThrow().get("state"));
            assertEquals(HealthCheckResponse.Status.DOWN, checks.started().call().getStatus());
            assertEquals(HealthCheckResponse.Status.DOWN, checks.ready().call().getStatus());
        } finally {
            scheduler.shutdown(TimeUnit.SECONDS.toNanos(1));
        }
    }
}
