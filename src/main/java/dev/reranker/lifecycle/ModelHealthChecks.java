package dev.reranker.lifecycle;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ModelState;
import dev.reranker.engine.ServiceState;
import dev.reranker.engine.ServingModel;

/** Probes that tell the platform the truth about the model. */
@ApplicationScoped
class ModelHealthChecks {

    private final ModelSlot slot;
    private final BatchScheduler scheduler;
    private final long maxBatchNanos;

    ModelHealthChecks(ModelSlot slot, BatchScheduler scheduler, RerankerConfig config) {
        this.slot = slot;
        this.scheduler = scheduler;
        this.maxBatchNanos = config.liveness().maxBatchTime().toNanos();
    }

    /** UP once the model is loaded (warm-up may still run); a startup probe waits through downloads and loading. */
    @Produces
    @Startup
    HealthCheck started() {
        return () -> check("model-loaded", (now, builder) -> {
            now.loadingNow().ifPresent(detail -> builder.withData("detail", detail));
            return now.state() != ServiceState.LOADING && now.state() != ServiceState.FAILED;
        });
    }

    /** UP while a warmed-up model takes requests (also when it was released for idleness and reloads on demand). */
    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> check("model-ready", (now, builder) -> {
            now.served().map(ServingModel::descriptor).ifPresent(d -> builder.withData("model", d.name())
                    .withData("device", d.device()).withData("max_length", d.maxLength()));
            return now.state().serves();
        });
    }

    /** DOWN only when a restart is the cure: the model failed to load, or a batch is stuck in the session. */
    @Produces
    @Liveness
    HealthCheck live() {
        return () -> check("model-live", (now, builder) -> {
            long stuck = scheduler.longestRunningBatchNanos();
            if (now.failure() != null) {
                builder.withData("error", now.failure());
            }
            if (stuck > maxBatchNanos) {
                builder.withData("stuck_batch_ms", stuck / 1_000_000);
            }
            return now.state() != ServiceState.FAILED && stuck <= maxBatchNanos;
        });
    }

    /** What one probe reports about one snapshot: its data, and whether it is UP. */
    @FunctionalInterface
    private interface Probe {
        boolean report(ModelState now, HealthCheckResponseBuilder builder);
    }

    private HealthCheckResponse check(String name, Probe probe) {
        ModelState now = slot.snapshot();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named(name).withData("state",
                now.state().name().toLowerCase(Locale.ROOT));
        return builder.status(probe.report(now, builder)).build();
    }
}
