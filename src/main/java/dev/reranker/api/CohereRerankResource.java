package dev.reranker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.reranker.config.TruncationSide;
import dev.reranker.engine.ErrorKind;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.Ranked;
import dev.reranker.engine.RerankCall;
import dev.reranker.engine.RerankException;
import dev.reranker.engine.RerankOptions;
import dev.reranker.engine.RerankQuery;
import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Reranker;
import io.smallrye.mutiny.Uni;

/**
 * Cohere's rerank API (v1 and v2 share the shape that matters), also what Jina's clients send.
 * LangChain4j uses {@code <base>/v1/rerank}, the Cohere SDK {@code <base>/v2/rerank}.
 */
@Path("/")
@Tag(name = "Cohere")
@ScoringRoute
public class CohereRerankResource {

    /** Cohere bills one search unit per query with up to 100 documents (chunks included). */
    private static final int DOCUMENTS_PER_SEARCH_UNIT = 100;

    private final Reranker reranker;
    private final ModelSlot slot;

    public CohereRerankResource(Reranker reranker, ModelSlot slot) {
        this.reranker = reranker;
        this.slot = slot;
    }

    @POST
    @Path("v1/rerank")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rerank documents (Cohere v1 / Jina)")
    public Uni<Response> rerankV1(CohereRerankRequest body) {
        return rerank(body, "1");
    }

    @POST
    @Path("v2/rerank")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rerank documents (Cohere v2)")
    public Uni<Response> rerankV2(CohereRerankRequest body) {
        return rerank(body, "2");
    }

    private Uni<Response> rerank(CohereRerankRequest body, String apiVersion) {
        if (body == null) {
            throw new RerankException(ErrorKind.EMPTY, "invalid request: query and documents are required");
        }
        List<String> documents = texts(body.documents());
        if (body.topN() != null && body.topN() < 1) {
            throw new RerankException(ErrorKind.VALIDATION, "invalid request: top_n must be at least 1, got " + body.topN());
        }
        if (body.maxTokensPerDoc() != null && body.maxTokensPerDoc() < 1) {
            throw new RerankException(ErrorKind.VALIDATION,
                    "invalid request: max_tokens_per_doc must be at least 1, got " + body.maxTokensPerDoc());
        }
        if (body.maxChunksPerDoc() != null && body.maxChunksPerDoc() < 1) {
            throw new RerankException(ErrorKind.VALIDATION,
                    "invalid request: max_chunks_per_doc must be at least 1, got " + body.maxChunksPerDoc());
        }
        int maxTokens = body.maxTokensPerDoc() == null ? 0 : body.maxTokensPerDoc();
        int maxChunks = body.maxChunksPerDoc() == null ? 0 : body.maxChunksPerDoc();
        RerankCall call = reranker.rerank(new RerankQuery(body.query(), documents,
                new RerankOptions(true, TruncationSide.RIGHT, maxTokens, maxChunks)));
        String model = body.model() != null ? body.model()
                : slot.model().map(m -> m.descriptor().name()).orElse("reranker");
        int topN = body.topN() == null ? documents.size() : Math.min(body.topN(), documents.size());
        boolean withDocuments = Boolean.TRUE.equals(body.returnDocuments());
        return Uni.createFrom().completionStage(call::result)
                .onCancellation().invoke(call::cancel)
                .map(result -> TimingHeaders.add(Response.ok(response(result, documents, model, topN, withDocuments,
                        apiVersion)), result).build());
    }

    private static CohereRerankResponse response(RerankResult result, List<String> documents, String model, int topN,
            boolean withDocuments, String apiVersion) {
        List<CohereRerankResponse.Result> results = new ArrayList<>(topN);
        for (Ranked r : result.ranked().subList(0, topN)) {
            results.add(new CohereRerankResponse.Result(r.index(), r.score(),
                    withDocuments ? new CohereRerankResponse.Document(documents.get(r.index())) : null, r.bestWindow()));
        }
        // Cohere counts every chunk of a split document as a document.
        long searchUnits = Math.max(1, (result.pairs() + DOCUMENTS_PER_SEARCH_UNIT - 1) / DOCUMENTS_PER_SEARCH_UNIT);
        return new CohereRerankResponse(UUID.randomUUID().toString(), model, results,
                new CohereRerankResponse.Usage(result.tokens()),
                new CohereRerankResponse.Meta(new CohereRerankResponse.ApiVersion(apiVersion),
                        new CohereRerankResponse.BilledUnits(searchUnits)));
    }

    /** Documents as Cohere accepts them: strings, or objects whose text field is a string. */
    private static List<String> texts(List<JsonNode> documents) {
        if (documents == null || documents.isEmpty()) {
            throw new RerankException(ErrorKind.EMPTY, "invalid request: documents must be a non-empty list");
        }
        List<String> texts = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            JsonNode document = documents.get(i);
            if (document != null && document.isTextual()) {
                texts.add(document.textValue());
            } else if (document != null && document.isObject() && document.path("text").isTextual()) {
                texts.add(document.get("text").textValue());
            } else {
                throw new RerankException(ErrorKind.VALIDATION, "invalid request: documents[" + i
                        + "] must be a string or an object with a string field \"text\"");
            }
        }
        return texts;
    }

    @ServerExceptionMapper
    Response failed(RerankException e) {
        return error(ErrorResponses.cohere(e));
    }

    @ServerExceptionMapper
    Response malformed(JsonProcessingException e) {
        return error(ErrorResponses.malformed(e));
    }

    @ServerExceptionMapper
    Response refused(WebApplicationException e) {
        return error(ErrorResponses.web(e));
    }

    @ServerExceptionMapper
    Response unexpected(Exception e) {
        return error(ErrorResponses.unexpected(e));
    }

    private static Response error(ErrorResponses.Failure failure) {
        return failure.builder(new CohereError(failure.message())).build();
    }
}
