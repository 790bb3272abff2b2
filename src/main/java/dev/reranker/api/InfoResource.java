package dev.reranker.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelState;
import dev.reranker.engine.Reranker;
import dev.reranker.engine.ServingModel;
import dev.reranker.engine.SpeedEstimate;

/** What is served and how: TEI's {@code GET /info}. */
@Path("/info")
@Tag(name = "TEI")
class InfoResource {

    private final RerankerConfig config;
    private final Reranker reranker;
    private final String version;

    InfoResource(RerankerConfig config, Reranker reranker,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.config = config;
        this.reranker = reranker;
        this.version = version;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Model, device and limits")
    public InfoResponse info() {
        SpeedEstimate speed = reranker.speed();
        ModelState served = reranker.model();
        Optional<ModelDescriptor> model = served.served().map(ServingModel::descriptor);
        RerankerConfig.Batch batch = config.batch();
        return new InfoResponse(
                model.map(ModelDescriptor::name).orElse(config.model().name().orElse(null)),
                null,
                "float32",
                Map.of("reranker", Map.of("id2label", Map.of("0", "LABEL_0"), "label2id", Map.of("LABEL_0", 0))),
                // TEI's meaning: requests in flight beyond which new ones are refused.
                config.maxConcurrentRequests(),
                model.map(ModelDescriptor::maxLength).orElse(config.maxLength()),
                batch.maxTokens(),
                batch.maxPairs(),
                config.maxClientBatchSize(),
                config.autoTruncate(),
                config.tokenization().threads().orElse(Runtime.getRuntime().availableProcessors()),
                version,
                served.state().name().toLowerCase(Locale.ROOT),
                model.map(ModelDescriptor::demo).orElse(false),
                model.map(ModelDescriptor::device).orElse(null),
                model.map(ModelDescriptor::precision).orElse(config.precision().label()),
                config.truncation().name().toLowerCase(Locale.ROOT),
                model.map(ModelDescriptor::modelLimit).filter(l -> l > 0).orElse(null),
                model.map(ModelDescriptor::loadMillis).orElse(null),
                config.idleUnload().map(Duration::toMillis).orElse(null),
                served.reloadsAfterIdle(),
                config.maxPairsPerRequest(),
                new InfoResponse.Batch(batch.maxTokens(), batch.maxPairs(), batch.maxWait().toNanos() / 1e6,
                        batch.workers(), batch.maxQueuedPairs(), speed.maxQueuedTime().toMillis(),
                        config.requestTimeout().toMillis()),
                throughput(speed));
    }

    private static InfoResponse.Throughput throughput(SpeedEstimate t) {
        return new InfoResponse.Throughput(finite(t.secondsPerPaddedToken()), finite(t.secondsPerToken()),
                finite(t.paddingRatio()), finite(t.tokensPerPair()), finite(t.pairsPerSecond()),
                finite(t.charsPerToken()), finite(t.overheadRatio()), t.batches(), t.queuedSeconds());
    }

    /** JSON has no NaN: unknown is null. */
    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
