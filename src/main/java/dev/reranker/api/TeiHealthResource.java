package dev.reranker.api;

import java.util.Locale;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.reranker.engine.ErrorKind;
import dev.reranker.engine.Reranker;
import dev.reranker.engine.ServiceException;
import dev.reranker.engine.ServiceState;

/** TEI's {@code GET /health}: 200 when a warmed-up model takes requests, 503 otherwise. */
@Path("/health")
@Tag(name = "TEI")
class TeiHealthResource {

    private final Reranker reranker;

    TeiHealthResource(Reranker reranker) {
        this.reranker = reranker;
    }

    @GET
    @Operation(summary = "200 when ready to score, 503 otherwise")
    @APIResponse(responseCode = "200", description = "A model is ready to score")
    @APIResponse(responseCode = "503", description = "No model is ready (loading, unloaded, draining); see Retry-After", content = @Content(mediaType = "application/json", schema = @Schema(implementation = WireFormat.TeiError.class)))
    public Response health() {
        ServiceState state = reranker.model().state();
        if (!state.serves()) {
            // TEI answers {"error": "unhealthy", "error_type": "unhealthy"} here; this says what the model is doing.
            throw new ServiceException(ErrorKind.UNHEALTHY,
                    "Model is not ready: " + state.name().toLowerCase(Locale.ROOT));
        }
        return Response.ok().build();
    }
}
