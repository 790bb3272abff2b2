package dev.reranker.api;

import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Latency buckets for Quarkus's {@code http_server_requests_seconds}, so that dashboards can show p50/p99 per route
 * ({@code histogram_quantile} over {@code http_server_requests_seconds_bucket}). A dozen fixed buckets from 5 ms to
 * 30 s (the request timeout) instead of Micrometer's ~70 percentile buckets: few routes, few series.
 */
class HttpMetrics {

    private static final Duration[] BUCKETS = { Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30) };

    @Produces
    @Singleton
    MeterFilter httpLatencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getName().equals("http.server.requests")) {
                    return DistributionStatisticConfig.builder().serviceLevelObjectives(toNanos(BUCKETS)).build()
                            .merge(config);
                }
                return config;
            }
        };
    }

    private static double[] toNanos(Duration[] durations) {
        double[] out = new double[durations.length];
        for (int i = 0; i < durations.length; i++) {
            out[i] = durations[i].toNanos();
        }
        return out;
    }
}
