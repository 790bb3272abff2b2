package dev.reranker.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import dev.reranker.engine.Reranker;
import dev.reranker.engine.ServiceException;

/**
 * What a scoring request must pass before its body is read. First its API key, when keys are configured:
 * {@code Bearer <key>} or the bare key, which LlamaIndex's TEI client sends (401 otherwise). Then room in the queue:
 * when it is already full the request gets 429 before its body is parsed, because under a storm of retries, parsing
 * bodies only to refuse them would take the CPU the accepted requests need. A request that passes here can still be
 * refused after parsing, when its own pairs do not fit.
 */
@Provider
@ScoringRoute
@Priority(Priorities.AUTHENTICATION)
class ScoringGate implements ContainerRequestFilter {

    // Client proxies: the filter is built while the application is set up, before its configuration and engine are.
    private final ApiKeys keys;
    private final Reranker reranker;

    ScoringGate(ApiKeys keys, Reranker reranker) {
        this.keys = keys;
        this.reranker = reranker;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (keys.required()) {
            String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
            if (header == null || header.isBlank()) {
                throw new ApiException(new Problem(401, "Missing API key: send Authorization: Bearer <key>",
                        "unauthorized"));
            }
            String bearer = SecretKeys.bearerToken(header);
            if (!keys.accepts(bearer != null ? bearer : header.trim())) {
                throw new ApiException(new Problem(401, "Invalid API key", "unauthorized"));
            }
        }
        ServiceException full = reranker.saturated();
        if (full != null) {
            throw full;
        }
    }
}
