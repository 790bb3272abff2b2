package dev.reranker.api;

import java.time.Duration;
import java.util.Set;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * The HTTP server's meters, bounded. Every label a client can influence takes a value from a small fixed set, so no
 * request, authenticated or not, can add series to {@code /q/metrics}: a method outside RFC 9110's is counted as
 * {@code OTHER} (a client inventing methods once created 16 series per method), and the {@code class} label of the
 * connection error counters carries a reason, not a Java class name. The URI label is already a route template
 * ({@code NOT_FOUND} for unknown paths, at most {@code quarkus.micrometer.binder.http-server.max-uri-tags}).
 * Latency buckets: a dozen fixed ones from 5 ms to 30 s (the request timeout) instead of Micrometer's ~70, so that
 * dashboards can show p50/p99 per route.
 */
class HttpMetrics {

    static final String OTHER_METHOD = "OTHER";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
            "TRACE", "PATCH");

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

    @Produces
    @Singleton
    MeterFilter boundedLabels() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!id.getName().startsWith("http.server")) {
                    return id;
                }
                String method = id.getTag("method");
                if (method != null && !METHODS.contains(method)) {
                    id = id.replaceTags(replaced(id, "method", OTHER_METHOD));
                }
                String failure = id.getTag("class");
                if (failure != null) {
                    id = id.replaceTags(replaced(id, "class", reason(failure)));
                }
                return id;
            }
        };
    }

    private static Iterable<Tag> replaced(Meter.Id id, String key, String value) {
        return id.getTags().stream().map(tag -> tag.getKey().equals(key) ? Tag.of(key, value) : tag).toList();
    }

    /** What a connection error (Netty's exception class) means, in a handful of words. */
    static String reason(String exceptionClass) {
        String name = exceptionClass.substring(exceptionClass.lastIndexOf('.') + 1);
        return switch (name) {
            case "TooLongHttpLineException" -> "request_line_too_long";
            case "TooLongHttpHeaderException" -> "headers_too_large";
            case "TooLongHttpContentException", "TooLongFrameException" -> "too_large";
            case "VertxException", "ClosedChannelException", "StacklessClosedChannelException" -> "closed";
            case "IOException", "NativeIoException", "SocketException" -> "connection_reset";
            case "SSLException", "SSLHandshakeException", "DecoderException" -> "protocol";
            default -> name.contains("Timeout") ? "timeout" : "other";
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
