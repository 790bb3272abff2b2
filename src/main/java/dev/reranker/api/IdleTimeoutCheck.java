package dev.reranker.api;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.reranker.config.RerankerConfig;
import io.quarkus.runtime.StartupEvent;

/**
 * Warns at startup when the HTTP server would close a connection before its request is answered: a request waiting in
 * the queue sends and receives nothing, and Vert.x closes a connection silent for {@code quarkus.http.idle-timeout}, so
 * the client gets no answer at all (seen in a benchmark that raised the request timeout to 900 s and kept the 120 s
 * idle timeout).
 */
@Singleton
class IdleTimeoutCheck {

    private static final Logger LOG = Logger.getLogger(IdleTimeoutCheck.class);
    /** Time for the answer to be written once the request timeout has passed. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final RerankerConfig config;
    private final Duration idleTimeout;

    IdleTimeoutCheck(RerankerConfig config, @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        this.config = config;
        this.idleTimeout = idleTimeout;
    }

    void onStart(@Observes StartupEvent event) {
        warning(config.requestTimeout(), idleTimeout).ifPresent(LOG::warn);
    }

    /** The warning to log, if the idle timeout can cut a request the service would still answer. */
    static Optional<String> warning(Duration requestTimeout, Duration idleTimeout) {
        if (idleTimeout.isZero() || idleTimeout.compareTo(requestTimeout.plus(MARGIN)) >= 0) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                "quarkus.http.idle-timeout (%s) is not above reranker.request-timeout (%s) + %d s:"
                        + " a request still waiting in the queue when its connection has been silent that long is cut without"
                        + " an answer; set QUARKUS_HTTP_IDLE_TIMEOUT above the request timeout",
                idleTimeout, requestTimeout,
                MARGIN.toSeconds()));
    }
}
