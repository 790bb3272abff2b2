package dev.reranker.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * Admin routes answer 404 when no admin key is configured (they do not exist), 401 without a bearer
 * token, 403 with a wrong one.
 */
@Provider
@AdminProtected
public class AdminKeyFilter implements ContainerRequestFilter {

    // A client proxy: the filter is built before the configuration is.
    private final AdminKey key;

    public AdminKeyFilter(AdminKey key) {
        this.key = key;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!key.enabled()) {
            request.abortWith(Response.status(Response.Status.NOT_FOUND).build());
            return;
        }
        String token = SecretKeys.bearerToken(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token == null) {
            request.abortWith(error(Response.Status.UNAUTHORIZED, "Admin routes need Authorization: Bearer <admin key>"));
            return;
        }
        if (!key.accepts(token)) {
            request.abortWith(error(Response.Status.FORBIDDEN, "Wrong admin key"));
        }
    }

    private static Response error(Response.Status status, String message) {
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AdminError(message));
        if (status == Response.Status.UNAUTHORIZED) {
            builder.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return builder.build();
    }
}
