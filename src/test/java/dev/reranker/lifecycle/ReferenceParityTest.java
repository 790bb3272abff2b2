package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.batch.SchedulerSettings;
import dev.reranker.config.RerankerConfig;
import dev.reranker.config.TruncationSide;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.Ranked;
import dev.reranker.engine.RerankOptions;
import dev.reranker.engine.RerankQuery;
import dev.reranker.engine.RerankResult;
import dev.reranker.engine.Reranker;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.Configs;
import dev.reranker.support.Reference;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Every case of the reference file (scores computed by transformers), for every model of the repository, max-length
 * and truncation it was computed with: the model is loaded as the service loads it ({@link ModelLoader}, from
 * configuration) and scored through the engine, without Quarkus. Logits and scores must match within 1e-4 whether a
 * case's documents are scored together or one per request. ({@code RoutesAgreeTest} shows the HTTP routes give the
 * same numbers.)
 */
class ReferenceParityTest {

    private static final double TOLERANCE = 1e-4;
    /** tiny-xlmr-external holds tiny-xlmr's weights in external data; it is checked against tiny-xlmr's cases. */
    private static final List<String> MODELS = List.of("tiny-xlmr", "tiny-xlmr-external", "tiny-bert");
    private static final Map<String, Engine> ENGINES = new HashMap<>();

    /** A model loaded with one configuration, and an engine in front of it. */
    private record Engine(LoadedModel model, BatchScheduler scheduler, Reranker reranker) {
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String model : MODELS) {
            for (Reference.Case c : Reference.all()) {
                String source = model.equals("tiny-xlmr-external") ? "tiny-xlmr" : model;
                if (c.model().equals(source)) {
                    out.add(Arguments.of(model, c.maxLength(), c.truncation(), c.number(), c));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} max-length {1} {2}, case {3}")
    @MethodSource("cases")
    void logitsAndScoresMatchTheReference(String model, int maxLength, String truncation, int number,
            Reference.Case c) throws Exception {
        Engine engine = engine(model, maxLength, truncation);
        assertEquals(maxLength, engine.model().serving().descriptor().maxLength(), "configured max-length");
        RerankResult together = score(engine, c.query(), c.documents());
        assertEquals(c.documents().size(), together.ranked().size());
        for (Ranked r : together.ranked()) {
            assertEquals(c.logits()[r.index()], r.logit(), TOLERANCE, "logit of case " + number + " doc " + r.index());
            assertEquals(c.scores()[r.index()], r.score(), TOLERANCE, "score of case " + number + " doc " + r.index());
        }
        for (int d = 0; d < c.documents().size(); d++) {
            Ranked alone = score(engine, c.query(), List.of(c.documents().get(d))).ranked().get(0);
            assertEquals(c.logits()[d], alone.logit(), TOLERANCE, "logit of case " + number + " doc " + d + " alone");
        }
    }

    private static RerankResult score(Engine engine, String query, List<String> documents) throws Exception {
        return engine.reranker().rerank(new RerankQuery(query, documents,
                new RerankOptions(true, TruncationSide.RIGHT, 0, 0))).result().get(30, TimeUnit.SECONDS);
    }

    private static synchronized Engine engine(String model, int maxLength, String truncation) {
        return ENGINES.computeIfAbsent(model + "/" + maxLength + "/" + truncation, key -> {
            RerankerConfig config = Configs.fromEnvironment(Map.of("RERANKER_MAX_LENGTH", Integer.toString(maxLength),
                    "RERANKER_TRUNCATION", truncation.toUpperCase(Locale.ROOT)));
            assertEquals(truncation, config.truncation().name().toLowerCase(Locale.ROOT), "configured truncation");
            LoadedModel loaded = new ModelLoader(config).load(ModelLocator.local(Reference.modelDir(model),
                    Optional.empty(), Optional.empty()));
            ModelSlot slot = new ModelSlot();
            slot.serve(loaded.serving());
            RerankerConfig.Batch batch = config.batch();
            BatchScheduler scheduler = new BatchScheduler(new SchedulerSettings(batch.maxTokens(), batch.maxPairs(),
                    batch.maxWait().toNanos(), batch.workers(), batch.maxQueuedPairs()), new SimpleMeterRegistry());
            return new Engine(loaded, scheduler, new Reranker(config, slot, scheduler));
        });
    }

    @AfterAll
    static void close() {
        for (Engine engine : ENGINES.values()) {
            engine.scheduler().shutdown(TimeUnit.SECONDS.toNanos(5));
            engine.model().close();
        }
        assertFalse(ENGINES.isEmpty());
        ENGINES.clear();
    }
}
