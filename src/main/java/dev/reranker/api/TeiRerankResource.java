package dev.reranker.api;

import java.util.ArrayList;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.Ranked;
import dev.reranker.engine.RerankCall;
import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Reranker;
import io.smallrye.mutiny.Uni;

/** Hugging Face text-embeddings-inference's rerank route, for clients written against TEI. */
@Path("/rerank")
@Tag(name = "TEI")
@ScoringRoute
@SecurityScheme(securitySchemeName = TeiRerankResource.API_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer", description = "Needed on the scoring routes when reranker.api-keys is set: Authorization: Bearer <key>")
class TeiRerankResource {

    /** The OpenAPI security scheme of the scoring routes. */
    static final String API_KEY = "api_key";
    private static final String EXAMPLE = """
            {"query": "what license allows redistribution",
             "texts": ["You may redistribute modified versions under the same license.",
                       "The kernel schedules processes."],
             "raw_scores": false, "return_text": true, "truncate": true, "truncation_direction": "Right"}""";

    private final Reranker reranker;
    private final RerankInput input;

    TeiRerankResource(Reranker reranker, RerankerConfig config) {
        this.reranker = reranker;
        this.input = new RerankInput(config);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rerank texts (TEI)", description = "Scores every text against the query and returns them"
            + " most relevant first; score is sigmoid(logit) unless raw_scores.")
    @SecurityRequirement(name = API_KEY)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TeiRerankRequest.class), examples = @ExampleObject(name = "two texts", value = EXAMPLE)))
    @APIResponse(responseCode = "200", description = "One entry per text, most relevant first", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = TeiRank.class)))
    @APIResponse(responseCode = "400", description = "Empty query or texts; a body that is not JSON", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    @APIResponse(responseCode = "401", description = "Missing or invalid API key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    @APIResponse(responseCode = "413", description = "Body over quarkus.http.limits.max-body-size", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    @APIResponse(responseCode = "422", description = "Wrong JSON types or values; a pair too long without truncate", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    @APIResponse(responseCode = "429", description = "Queue full; see Retry-After", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    @APIResponse(responseCode = "503", description = "No model ready, or waited longer than reranker.request-timeout; see Retry-After", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.TeiError.class)))
    public Uni<Response> rerank(TeiRerankRequest body) {
        RerankCall call = reranker.rerank(input.tei(body));
        boolean raw = Boolean.TRUE.equals(body.rawScores());
        boolean withText = Boolean.TRUE.equals(body.returnText());
        return Uni.createFrom().completionStage(call::result)
                .onCancellation().invoke(call::cancel)
                .map(result -> TimingHeaders.add(Response.ok(ranks(result, body.texts(), raw, withText)), result)
                        .build());
    }

    private static List<TeiRank> ranks(RerankResult result, List<String> texts, boolean raw, boolean withText) {
        List<TeiRank> ranks = new ArrayList<>(result.ranked().size());
        for (Ranked r : result.ranked()) {
            ranks.add(new TeiRank(r.index(), raw ? r.logit() : r.score(), withText ? texts.get(r.index()) : null,
                    r.bestWindow()));
        }
        return ranks;
    }
}
