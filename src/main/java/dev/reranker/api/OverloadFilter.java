package dev.reranker.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import dev.reranker.engine.Reranker;

/**
 * Refuses a scoring request with 429 before its body is parsed when the queue is already full. Under a
 * storm of retries, parsing bodies only to refuse them would take the CPU the accepted requests need.
 * A request that passes here can still be refused after parsing, when its own pairs do not fit.
 */
@Provider
@ScoringRoute
@Priority(Priorities.USER)
public class OverloadFilter implements ContainerRequestFilter {

    // A client proxy: the filter is built while the application is set up, before the engine is.
    private final Reranker reranker;

    public OverloadFilter(Reranker reranker) {
        this.reranker = reranker;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (reranker.saturated()) {
            request.abortWith(Response.status(429).header("Retry-After", 1).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(RouteFormat.of(request).error("Model is overloaded: the queue is full; retry later",
                            "overloaded"))
                    .build());
        }
    }
}
