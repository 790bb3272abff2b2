package dev.reranker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.Ranked;
import dev.reranker.engine.RerankCall;
import dev.reranker.engine.RerankQuery;
import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Reranker;
import io.smallrye.mutiny.Uni;

/**
 * Cohere's rerank API (v1 and v2 share the shape that matters), also what Jina's clients send.
 * LangChain4j uses {@code <base>/v1/rerank}, the Cohere SDK {@code <base>/v2/rerank}. Each version is a resource of
 * its own with its exact path: a resource at {@code /} would claim every unknown path for itself.
 */
@Path("/v1/rerank")
@Tag(name = "Cohere")
@ScoringRoute
class CohereRerankResource {

    private static final String EXAMPLE = """
            {"model": "bge-reranker-v2-m3", "query": "what license allows redistribution",
             "documents": ["The kernel schedules processes.", {"text": "You may redistribute modified versions."}],
             "top_n": 1, "return_documents": true, "max_tokens_per_doc": 512}""";
    /** Cohere bills one search unit per query with up to 100 documents (chunks included). */
    private static final int DOCUMENTS_PER_SEARCH_UNIT = 100;

    private final Reranker reranker;
    private final RerankInput input;

    CohereRerankResource(Reranker reranker, RerankerConfig config) {
        this.reranker = reranker;
        this.input = new RerankInput(config);
    }

    /** {@code POST /v2/rerank}: the same request and answer, with {@code meta.api_version} 2. */
    @Path("/v2/rerank")
    @Tag(name = "Cohere")
    @ScoringRoute
    static class V2 extends CohereRerankResource {

        V2(Reranker reranker, RerankerConfig config) {
            super(reranker, config);
        }

        @Override
        String apiVersion() {
            return "2";
        }
    }

    String apiVersion() {
        return "1";
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rerank documents (Cohere v1 and v2, Jina)")
    @SecurityRequirement(name = TeiRerankResource.API_KEY)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CohereRerankRequest.class), examples = @ExampleObject(name = "a string and an object", value = EXAMPLE)))
    @APIResponse(responseCode = "200", description = "The best top_n documents, most relevant first", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CohereRerankResponse.class)))
    @APIResponse(responseCode = "400", description = "Invalid request: empty, wrong JSON types or values", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    @APIResponse(responseCode = "401", description = "Missing or invalid API key", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    @APIResponse(responseCode = "413", description = "Body over quarkus.http.limits.max-body-size", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    @APIResponse(responseCode = "429", description = "Queue full; see Retry-After", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    @APIResponse(responseCode = "500", description = "The model failed on the batch", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    @APIResponse(responseCode = "503", description = "No model ready, or waited longer than reranker.request-timeout; see Retry-After", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = WireFormat.CohereError.class)))
    public Uni<Response> rerank(CohereRerankRequest body) {
        return rerank(body, apiVersion());
    }

    private Uni<Response> rerank(CohereRerankRequest body, String apiVersion) {
        RerankQuery query = input.cohere(body);
        RerankCall call = reranker.rerank(query);
        int documents = query.documents().size();
        int topN = body.topN() == null ? documents : Math.min(body.topN(), documents);
        boolean withDocuments = Boolean.TRUE.equals(body.returnDocuments());
        return Uni.createFrom().completionStage(call::result)
                .onCancellation().invoke(call::cancel)
                .map(result -> TimingHeaders.add(Response.ok(response(result, query.documents(),
                        body.model() != null ? body.model() : result.model(), topN, withDocuments, apiVersion)),
                        result).build());
    }

    private static CohereRerankResponse response(RerankResult result, List<String> documents, String model, int topN,
            boolean withDocuments, String apiVersion) {
        List<CohereRerankResponse.Result> results = new ArrayList<>(topN);
        for (Ranked r : result.ranked().subList(0, topN)) {
            results.add(new CohereRerankResponse.Result(r.index(), r.score(),
                    withDocuments ? new CohereRerankResponse.Document(documents.get(r.index())) : null,
                    r.bestWindow()));
        }
        // Cohere counts every chunk of a split document as a document.
        long searchUnits = Math.max(1, (result.pairs() + DOCUMENTS_PER_SEARCH_UNIT - 1) / DOCUMENTS_PER_SEARCH_UNIT);
        return new CohereRerankResponse(UUID.randomUUID().toString(), model, results,
                new CohereRerankResponse.Usage(result.tokens()),
                new CohereRerankResponse.Meta(new CohereRerankResponse.ApiVersion(apiVersion),
                        new CohereRerankResponse.BilledUnits(searchUnits)));
    }
}
