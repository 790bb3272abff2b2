package dev.reranker.api;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.reranker.config.RerankerConfig;
import io.quarkus.micrometer.runtime.export.handlers.PrometheusHandler;
import io.quarkus.smallrye.health.runtime.SmallRyeHealthHandler;
import io.quarkus.smallrye.health.runtime.SmallRyeLivenessHandler;
import io.quarkus.smallrye.health.runtime.SmallRyeReadinessHandler;
import io.quarkus.smallrye.health.runtime.SmallRyeStartupHandler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * With {@code reranker.probes-on-service-port}, the probes and the metrics answer on the service port as well as on
 * the management interface. Which listener serves them is fixed when the application is built
 * ({@code quarkus.management.enabled}), so a deployment that can route one port only cannot move them back at run
 * time: it turns this on instead. The handlers are the ones Quarkus mounts on the management interface, so both ports
 * give the same answers, status and body.
 */
@Singleton
class ServicePortProbes {

    private final boolean enabled;

    ServicePortProbes(RerankerConfig config) {
        this.enabled = config.probesOnServicePort();
    }

    void register(@Observes Router router) {
        if (!enabled) {
            return;
        }
        router.route(HttpMethod.GET, "/q/health").handler(new SmallRyeHealthHandler());
        router.route(HttpMethod.GET, "/q/health/live").handler(new SmallRyeLivenessHandler());
        router.route(HttpMethod.GET, "/q/health/ready").handler(new SmallRyeReadinessHandler());
        router.route(HttpMethod.GET, "/q/health/started").handler(new SmallRyeStartupHandler());
        // Scraping formats the whole registry: off the event loop, as Quarkus mounts it.
        router.route(HttpMethod.GET, "/q/metrics").blockingHandler(new PrometheusHandler(false, Optional.empty()),
                false);
    }
}
