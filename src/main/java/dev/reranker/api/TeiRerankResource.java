package dev.reranker.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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

import dev.reranker.config.RerankerConfig;
import dev.reranker.config.TruncationSide;
import dev.reranker.engine.ErrorKind;
import dev.reranker.engine.RerankCall;
import dev.reranker.engine.RerankException;
import dev.reranker.engine.RerankOptions;
import dev.reranker.engine.RerankQuery;
import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Ranked;
import dev.reranker.engine.Reranker;
import io.smallrye.mutiny.Uni;

/** Hugging Face text-embeddings-inference's rerank route, for clients written against TEI. */
@Path("/rerank")
@Tag(name = "TEI")
@ScoringRoute
public class TeiRerankResource {

    private final Reranker reranker;
    private final RerankerConfig config;

    public TeiRerankResource(Reranker reranker, RerankerConfig config) {
        this.reranker = reranker;
        this.config = config;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rerank texts (TEI)", description = "Scores every text against the query and returns them"
            + " most relevant first; score is sigmoid(logit) unless raw_scores.")
    public Uni<Response> rerank(TeiRerankRequest body) {
        if (body == null || body.texts() == null || body.texts().isEmpty()) {
            throw new RerankException(ErrorKind.EMPTY, "`texts` cannot be empty");
        }
        boolean truncate = body.truncate() != null ? body.truncate() : config.autoTruncate();
        if (body.maxChunksPerDoc() != null && body.maxChunksPerDoc() < 1) {
            throw new RerankException(ErrorKind.VALIDATION,
                    "max_chunks_per_doc must be at least 1, got " + body.maxChunksPerDoc());
        }
        RerankQuery query = new RerankQuery(body.query(), body.texts(), new RerankOptions(truncate,
                side(body.truncationDirection()), 0, body.maxChunksPerDoc() == null ? 0 : body.maxChunksPerDoc()));
        RerankCall call = reranker.rerank(query);
        boolean raw = Boolean.TRUE.equals(body.rawScores());
        boolean withText = Boolean.TRUE.equals(body.returnText());
        return Uni.createFrom().completionStage(call::result)
                .onCancellation().invoke(call::cancel)
                .map(result -> TimingHeaders.add(Response.ok(ranks(result, body.texts(), raw, withText)), result).build());
    }

    private static List<TeiRank> ranks(RerankResult result, List<String> texts, boolean raw, boolean withText) {
        List<TeiRank> ranks = new ArrayList<>(result.ranked().size());
        for (Ranked r : result.ranked()) {
            ranks.add(new TeiRank(r.index(), raw ? r.logit() : r.score(), withText ? texts.get(r.index()) : null,
                    r.bestWindow()));
        }
        return ranks;
    }

    private static TruncationSide side(String direction) {
        if (direction == null) {
            return TruncationSide.RIGHT;
        }
        return switch (direction.toLowerCase(Locale.ROOT)) {
            case "right" -> TruncationSide.RIGHT;
            case "left" -> TruncationSide.LEFT;
            default -> throw new RerankException(ErrorKind.VALIDATION,
                    "truncation_direction must be Right or Left, not " + direction);
        };
    }

    @ServerExceptionMapper
    Response failed(RerankException e) {
        return error(ErrorResponses.tei(e));
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
        return failure.builder(new TeiError(failure.message(), failure.teiType())).build();
    }
}
