package dev.reranker.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServiceState;

/** TEI's {@code GET /health}: 200 when a warmed-up model takes requests, 503 otherwise. */
@Path("/health")
@Tag(name = "TEI")
public class TeiHealthResource {

    private final ModelSlot slot;

    public TeiHealthResource(ModelSlot slot) {
        this.slot = slot;
    }

    @GET
    @Operation(summary = "200 when ready to score, 503 otherwise")
    public Response health() {
        return slot.state().serves() ? Response.ok().build()
                : Response.status(Response.Status.SERVICE_UNAVAILABLE).build();
    }
}
