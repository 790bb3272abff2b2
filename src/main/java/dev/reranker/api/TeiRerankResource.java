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
class TeiRerankResource {

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
