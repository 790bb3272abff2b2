package dev.reranker.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * The admin routes exist only when reranker.admin.key is set: without it every method on every {@code /admin} path
 * answers the same 404 as any unknown path. With it, a request needs the key as a bearer token (401 without one, 403
 * with a wrong one) before routing even tells it which methods exist.
 */
@Singleton
class AdminGate {

    private static final String PREFIX = "/admin";
    /** After the request id, before routing. */
    private static final int PRIORITY = 900;

    private final ApiKeys keys;
    private final ErrorMapper errors;

    AdminGate(ApiKeys keys, ErrorMapper errors) {
        this.keys = keys;
        this.errors = errors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        // Routing matches the decoded path, so the gate does too: /%61dmin/model is /admin/model.
        String path = decoded(context.normalizedPath());
        if (path == null || !(path.equals(PREFIX) || path.startsWith(PREFIX + "/"))) {
            context.next();
            return;
        }
        Problem refusal = refusal(context.request().getHeader(HttpHeaders.AUTHORIZATION), context.request().method()
                .name(), path);
        if (refusal == null) {
            context.next();
        } else {
            errors.answer(context, refusal);
        }
    }

    private static String decoded(String path) {
        if (path == null || path.indexOf('%') < 0) {
            return path;
        }
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path; // not a path routing accepts either
        }
    }

    /** Why a request to an admin route is refused, or null when it may go on. */
    Problem refusal(String authorization, String method, String path) {
        if (!keys.adminEnabled()) {
            return ErrorMapper.notFound(method, path);
        }
        String token = SecretKeys.bearerToken(authorization);
        if (token == null) {
            return new Problem(401, "Admin routes need Authorization: Bearer <admin key>", "unauthorized");
        }
        return keys.acceptsAdmin(token) ? null : new Problem(403, "Wrong admin key", "forbidden");
    }

    /** The same check on the admin resource itself, whatever path spelling routing accepted. */
    @Provider
    @AdminProtected
    static class ResourceCheck implements ContainerRequestFilter {

        private final AdminGate gate;

        ResourceCheck(AdminGate gate) {
            this.gate = gate;
        }

        @Override
        public void filter(ContainerRequestContext request) {
            Problem refusal = gate.refusal(request.getHeaderString(HttpHeaders.AUTHORIZATION), request.getMethod(),
                    request.getUriInfo().getPath());
            if (refusal != null) {
                throw new ApiException(refusal);
            }
        }
    }
}
