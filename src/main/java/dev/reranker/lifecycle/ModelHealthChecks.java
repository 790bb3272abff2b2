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
import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServiceState;

/** Probes that tell the platform the truth about the model. */
@ApplicationScoped
public class ModelHealthChecks {

    private final ModelSlot slot;
    private final BatchScheduler scheduler;
    private final long maxBatchNanos;

    public ModelHealthChecks(ModelSlot slot, BatchScheduler scheduler, RerankerConfig config) {
        this.slot = slot;
        this.scheduler = scheduler;
        this.maxBatchNanos = config.liveness().maxBatchTime().toNanos();
    }

    /** UP once the model is loaded (warm-up may still run); a startup probe waits through downloads and loading. */
    @Produces
    @Startup
    HealthCheck started() {
        return () -> {
            HealthCheckResponseBuilder builder = builder("model-loaded",
                    slot.state() != ServiceState.LOADING && slot.state() != ServiceState.FAILED);
            slot.loadingDetail().ifPresent(detail -> builder.withData("detail", detail));
            return builder.build();
        };
    }

    /** UP while a warmed-up model takes requests (also when it was released for idleness and reloads on demand). */
    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder builder = builder("model-ready", slot.state().serves());
            slot.model().ifPresent(model -> {
                ModelDescriptor d = model.descriptor();
                builder.withData("model", d.name()).withData("device", d.device())
                        .withData("max_length", d.maxLength());
            });
            return builder.build();
        };
    }

    /** DOWN only when a restart is the cure: the model failed to load, or a batch is stuck in the session. */
    @Produces
    @Liveness
    HealthCheck live() {
        return () -> {
            long stuck = scheduler.longestRunningBatchNanos();
            boolean workerStuck = stuck > maxBatchNanos;
            HealthCheckResponseBuilder builder = builder("model-live",
                    slot.state() != ServiceState.FAILED && !workerStuck);
            slot.failure().ifPresent(message -> builder.withData("error", message));
            if (workerStuck) {
                builder.withData("stuck_batch_ms", stuck / 1_000_000);
            }
            return builder.build();
        };
    }

    private HealthCheckResponseBuilder builder(String name, boolean up) {
        return HealthCheckResponse.named(name).status(up).withData("state", slot.state().name().toLowerCase(Locale.ROOT));
    }
}
