package dev.reranker.api;

import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The OpenAPI document says what {@code GET /health} answers when ready: 200 with no body, as TEI's does (clients and
 * probes read the status only). The scanner gives every operation that returns a JAX-RS {@code Response} a JSON body
 * of no schema, which no annotation removes. Registered as {@code mp.openapi.filter}.
 */
public class EmptyHealthBody implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        PathItem health = openApi.getPaths().getPathItem("/health");
        if (health == null || health.getGET() == null || health.getGET().getResponses() == null) {
            return;
        }
        APIResponse ready = health.getGET().getResponses().getAPIResponse("200");
        if (ready != null) {
            ready.setContent(null);
        }
    }
}
