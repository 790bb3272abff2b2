package dev.reranker.api;

import jakarta.ws.rs.container.ContainerRequestContext;

/** Which wire format a scoring request speaks, for errors raised before its resource runs. */
enum RouteFormat {
    TEI,
    COHERE;

    static RouteFormat of(ContainerRequestContext request) {
        return request.getUriInfo().getPath().startsWith("/v") ? COHERE : TEI;
    }

    Object error(String message, String teiType) {
        return this == COHERE ? new CohereError(message) : new TeiError(message, teiType);
    }
}
