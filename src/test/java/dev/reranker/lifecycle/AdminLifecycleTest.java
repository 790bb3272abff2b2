package dev.reranker.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.engine.ModelSlot;
import dev.reranker.support.Management;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The admin API and the state machine it drives: unload, load, hot swap, a failed load that changes
 * nothing, a failing batch, a stuck worker. The service also starts with device=auto on this CPU-only
 * build, which must fall back to CPU.
 */
@QuarkusTest
@TestProfile(AdminLifecycleTest.Profile.class)
class AdminLifecycleTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("reranker.admin.key", "admin-secret", "reranker.liveness.max-batch-time", "300ms",
                    "reranker.device", "auto");
        }
    }

    private static final Map<String, Object> TEI = Map.of("query", "license", "texts", List.of("a license", "kernel"));

    @Inject
    ModelSlot slot;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @AfterEach
    void restoreDemoModel() {
        if (!"tiny-xlmr-demo".equals(slot.snapshot().served().map(m -> m.descriptor().name()).orElse(null))) {
            admin().post("/admin/model/load").then().statusCode(200);
        }
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", "Bearer admin-secret");
    }

    private static int rerank() {
        return given().contentType(ContentType.JSON).body(TEI).post("/rerank").statusCode();
    }

    @Test
    void adminRoutesNeedTheKeyAndStayOutOfOpenApi() {
        given().get("/admin/model").then().statusCode(401).header("WWW-Authenticate", "Bearer");
        given().header("Authorization", "Bearer wrong").get("/admin/model").then().statusCode(403)
                .body("error", equalTo("Wrong admin key"));
        given().header("Authorization", "admin-secret").post("/admin/model/unload").then().statusCode(401);
        admin().get("/admin/model").then().statusCode(200).body("state", equalTo("ready"))
                .body("model.name", equalTo("tiny-xlmr-demo")).body("model.device", equalTo("cpu"))
                .body("model.load_time_ms", notNullValue()).body("loaded_at", greaterThan(0L));
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", not(hasKey("/admin/model"))).body("paths", not(hasKey("/admin/model/load")));
    }

    @Test
    void deviceAutoFallsBackToCpu() {
        given().get("/info").then().body("device", equalTo("cpu"));
    }

    @Test
    void theThroughputEstimateStartsOverWithEveryModel() {
        for (int i = 0; i < 5; i++) {
            assertEquals(200, rerank());
        }
        given().get("/info").then().body("throughput.batches_measured", greaterThan(0))
                .body("throughput.pairs_per_second", greaterThan(0f))
                .body("throughput.overhead_ratio", greaterThanOrEqualTo(1f));
        // Unloaded: nothing is known of the next model's speed.
        admin().post("/admin/model/unload").then().statusCode(200);
        given().get("/info").then().body("throughput.batches_measured", equalTo(0))
                .body("throughput.seconds_per_token", nullValue()).body("throughput.overhead_ratio", nullValue());
        // Loaded (again, or another one): its own warm-up is the estimate until its batches move it.
        admin().post("/admin/model/load").then().statusCode(200);
        given().get("/info").then().body("throughput.batches_measured", equalTo(0))
                .body("throughput.seconds_per_padded_token", greaterThan(0f))
                .body("throughput.tokens_per_pair", nullValue()).body("throughput.overhead_ratio", equalTo(1f));
        assertEquals(200, rerank());
        given().get("/info").then().body("throughput.batches_measured", equalTo(1));
    }

    @Test
    void unloadThenLoadWalksTheProbesThroughEveryState() {
        admin().post("/admin/model/unload").then().statusCode(200).body("state", equalTo("unloaded"))
                .body("$", not(hasKey("model")));
        Management.given().get("/q/health/ready").then().statusCode(503);
        // 503 says when to come back, on TEI's health route and on every scoring route.
        given().get("/health").then().statusCode(503).header("Retry-After", matchesPattern("[1-9][0-9]*"));
        Management.given().get("/q/health/live").then().statusCode(200);
        given().contentType(ContentType.JSON).body(TEI).post("/rerank").then().statusCode(503)
                .header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("error_type", equalTo("unhealthy")).body("error", containsString("No model is loaded"));
        given().contentType(ContentType.JSON).body("{\"query\": \"q\", \"documents\": [\"a\"]}").post("/v1/rerank")
                .then().statusCode(503).header("Retry-After", matchesPattern("[1-9][0-9]*"))
                .body("message", containsString("No model is loaded"));
        // The answer to a load that succeeded describes the model it left serving: no load is running any more.
        admin().post("/admin/model/load").then().statusCode(200).body("state", equalTo("ready"))
                .body("loading", equalTo(false)).body("model.name", equalTo("tiny-xlmr-demo"));
        Management.given().get("/q/health/ready").then().statusCode(200);
        assertEquals(200, rerank());
    }

    @Test
    void hotSwapKeepsServingWhileTheNewModelLoads() throws Exception {
        AtomicBoolean swapping = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Void> traffic = CompletableFuture.runAsync(() -> {
            while (swapping.get()) {
                if (rerank() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
            }
        });
        Poll.until("traffic flows", () -> ok.get() > 3);
        String bert = Reference.modelDir("tiny-bert").toAbsolutePath().toString();
        admin().contentType(ContentType.JSON).body(Map.of("path", bert)).post("/admin/model/load").then()
                .statusCode(200).body("state", equalTo("ready")).body("model.name", equalTo("tiny-bert"));
        int before = ok.get();
        Poll.until("traffic flows on the new model", () -> ok.get() > before + 3);
        swapping.set(false);
        traffic.get(10, TimeUnit.SECONDS);
        assertEquals(0, failed.get(), "no request failed during the swap");
        given().get("/info").then().body("model_id", equalTo("tiny-bert"));
    }

    @Test
    void aFailedLoadLeavesTheOldModelServing() {
        String before = given().contentType(ContentType.JSON).body(Map.of("query", "license", "texts", List.of("a")))
                .post("/rerank").then().statusCode(200).extract().asString();
        admin().contentType(ContentType.JSON).body(Map.of("path", "/nonexistent/model")).post("/admin/model/load")
                .then().statusCode(422).body("error", containsString("/nonexistent/model"))
                .body("error", containsString("previous state is unchanged"));
        admin().get("/admin/model").then().statusCode(200).body("state", equalTo("ready"))
                .body("model.name", equalTo("tiny-xlmr-demo")).body("error", containsString("/nonexistent/model"));
        String after = given().contentType(ContentType.JSON).body(Map.of("query", "license", "texts", List.of("a")))
                .post("/rerank").then().statusCode(200).extract().asString();
        assertEquals(before, after);
        Management.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void anInferenceFailureFailsOnlyItsBatch() {
        try (RunnerSwap swap = new RunnerSwap()) {
            AtomicInteger batches = new AtomicInteger();
            swap.failure = pairs -> batches.getAndIncrement() == 0 ? new IllegalStateException("CUDA error: injected")
                    : null;
            given().contentType(ContentType.JSON).body(TEI).post("/rerank").then().statusCode(424)
                    .body("error_type", equalTo("backend")).body("error", containsString("CUDA error: injected"));
            assertEquals(200, rerank());
            batches.set(0);
            given().contentType(ContentType.JSON).body(Map.of("query", "q", "documents", List.of("a")))
                    .post("/v1/rerank").then().statusCode(500).body("message", containsString("injected"));
            assertEquals(200, rerank());
            Management.given().get("/q/health/live").then().statusCode(200);
            Management.given().get("/q/health/ready").then().statusCode(200);
        }
    }

    @Test
    void aStuckWorkerTurnsLivenessDown() throws Exception {
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            CompletableFuture<Integer> stuck = CompletableFuture.supplyAsync(AdminLifecycleTest::rerank);
            Poll.until("the batch is running", () -> swap.entered.getCount() == 0);
            Management.given().get("/q/health/live").then().statusCode(200);
            Thread.sleep(500);
            Management.given().get("/q/health/live").then().statusCode(503)
                    .body("checks.find { it.name == 'model-live' }.data.stuck_batch_ms", greaterThan(300));
            swap.open();
            assertEquals(200, stuck.get(10, TimeUnit.SECONDS));
        }
        Management.given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void loadingAnotherVariantOfTheSameDirectory() {
        String external = Reference.modelDir("tiny-xlmr-external").toAbsolutePath().toString();
        String xlmrScores = given().contentType(ContentType.JSON)
                .body(Map.of("query", "license", "texts", List.of("a license"), "raw_scores", true)).post("/rerank")
                .then().statusCode(200).extract().jsonPath().getString("[0].score");
        admin().contentType(ContentType.JSON).body(Map.of("path", external, "file", "model.onnx"))
                .post("/admin/model/load").then().statusCode(200).body("model.name", equalTo("tiny-xlmr-external"));
        String externalScores = given().contentType(ContentType.JSON)
                .body(Map.of("query", "license", "texts", List.of("a license"), "raw_scores", true)).post("/rerank")
                .then().statusCode(200).extract().jsonPath().getString("[0].score");
        assertEquals(Double.parseDouble(xlmrScores), Double.parseDouble(externalScores), 1e-5,
                "same weights behind external data");
        assertTrue(slot.snapshot().served().isPresent());
    }
}
