package dev.reranker.api;

import java.util.Optional;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a body announced larger than quarkus.http.limits.max-body-size with 413 and the route's error body,
 * before a byte of it is read. The HTTP server would refuse it too, with an empty body; a body that arrives chunked,
 * without a length, is still cut by the server when it passes the limit.
 */
@Singleton
class BodyLimit {

    /** After the request id and the admin gate, before routing. */
    private static final int PRIORITY = 800;

    private final long limit;
    private final ErrorMapper errors;

    BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
            ErrorMapper errors) {
        this.limit = limit.map(MemorySize::asLongValue).orElse(Long.MAX_VALUE);
        this.errors = errors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLong(length)) {
            // The rest of the body is not read: the connection cannot carry another request.
            context.response().putHeader("Connection", "close")
                    .endHandler(ended -> context.request().connection().close());
            errors.answer(context, ErrorMapper.status(413, context.request()));
            return;
        }
        context.next();
    }

    private boolean tooLong(String length) {
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false; // the HTTP server refuses a malformed length itself
        }
    }
}
