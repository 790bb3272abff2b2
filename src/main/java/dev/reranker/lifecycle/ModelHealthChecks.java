package dev.reranker.lifecycle;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServiceState;

/** Probes that tell the platform the truth about the model. */
@ApplicationScoped
public class ModelHealthChecks {

    private final ModelSlot slot;

    public ModelHealthChecks(ModelSlot slot) {
        this.slot = slot;
    }

    /** UP once the model is loaded (warm-up may still run); a startup probe waits through downloads and loading. */
    @Produces
    @Startup
    HealthCheck started() {
        return () -> {
            HealthCheckResponseBuilder builder = withBuilder(HealthCheckResponse.named("model-loaded"),
                    slot.state() != ServiceState.LOADING && slot.state() != ServiceState.FAILED);
            slot.loadingDetail().ifPresent(detail -> builder.withData("detail", detail));
            return builder.build();
        };
    }

    /** UP only while a warmed-up model takes requests. */
    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            HealthCheckResponseBuilder builder = withBuilder(HealthCheckResponse.named("model-ready"),
                    slot.state() == ServiceState.READY);
            slot.model().ifPresent(model -> {
                ModelDescriptor d = model.descriptor();
                builder.withData("model", d.name()).withData("device", d.device())
                        .withData("max_length", d.maxLength());
            });
            return builder.build();
        };
    }

    /** DOWN only when the process cannot serve any more and a restart is the cure. */
    @Produces
    @Liveness
    HealthCheck live() {
        return () -> withState(HealthCheckResponse.named("model-live"), slot.state() != ServiceState.FAILED);
    }

    private HealthCheckResponse withState(HealthCheckResponseBuilder builder, boolean up) {
        return withBuilder(builder, up).build();
    }

    private HealthCheckResponseBuilder withBuilder(HealthCheckResponseBuilder builder, boolean up) {
        return builder.status(up).withData("state", slot.state().name().toLowerCase());
    }
}
