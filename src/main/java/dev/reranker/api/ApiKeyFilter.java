package dev.reranker.api;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Checks {@code Authorization} on scoring routes when API keys are configured. Accepts
 * {@code Bearer <key>} and the bare key, which LlamaIndex's TEI client sends.
 */
@Provider
@ScoringRoute
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    // A client proxy: the filter is built while the application is being set up, before its configuration is.
    private final ApiKeys keys;

    public ApiKeyFilter(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!keys.required()) {
            return;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || header.isBlank()) {
            request.abortWith(unauthorized(request, "Missing API key: send Authorization: Bearer <key>"));
            return;
        }
        String bearer = SecretKeys.bearerToken(header);
        String presented = bearer != null ? bearer : header.trim();
        if (!keys.accepts(presented)) {
            request.abortWith(unauthorized(request, "Invalid API key"));
        }
    }

    private static Response unauthorized(ContainerRequestContext request, String message) {
        Object body = RouteFormat.of(request).error(message, "unauthorized");
        return Response.status(Response.Status.UNAUTHORIZED).type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").entity(body).build();
    }
}
