package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.lifecycle.RunnerSwap;
import dev.reranker.support.FakeHubResource;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * save_pretrained checkpoints served over HTTP, with no ONNX anywhere: the application starts from a fake Hub
 * repository holding only config.json, tokenizer files and model.safetensors, then the admin API swaps in each
 * checkpoint directory (BERT, XLM-R, sharded, BF16, F16) in the same running application. Every reference pair of
 * safetensors/reference.json (max-length 512, flag truncation: this profile) must come back within 1e-4 of
 * transformers, with a request's documents batched together, one document per request, on the Cohere route, and in
 * batches shared by concurrent requests.
 */
@QuarkusTest
@TestProfile(SafetensorsApiTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetensorsApiTest {

    static final String REPO = "test-org/st-xlmr";
    private static final double TOLERANCE = 1e-4;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("reranker.max-length", "512", "reranker.truncation", "flag", "reranker.admin.key", "k");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("repo", REPO)));
        }
    }

    @Inject
    BatchScheduler scheduler;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    @Order(1)
    void servedByItsIdFromTheHubSafetensors() throws Exception {
        JsonPath info = given().get("/info").then().statusCode(200).extract().jsonPath();
        assertEquals(REPO, info.getString("model_id"));
        // Where it lies on disk: the admin view (/info does not show it).
        String location = given().header("Authorization", "Bearer k").get("/admin/model").then().statusCode(200)
                .extract().jsonPath().getString("model.location");
        assertTrue(location.contains("models--test-org--st-xlmr/snapshots/"), location);
        assertEveryPair("st-xlmr");
    }

    @ParameterizedTest
    @ValueSource(strings = { "st-bert", "st-xlmr", "st-xlmr-sharded", "st-xlmr-bf16", "st-bert-f16" })
    @Order(2)
    void eachCheckpointDirectoryLoadedAtRuntime(String model) throws Exception {
        Path dir = Files.createTempDirectory("reranker-" + model + "-").resolve(model);
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Reference.modelDir(model))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        given().header("Authorization", "Bearer k").contentType(ContentType.JSON).body(Map.of("path", dir.toString()))
                .post("/admin/model/load").then().statusCode(200).body("state", equalTo("ready"))
                .body("model.name", equalTo(model)).body("model.onnx_file", startsWith(dir.toString()));
        assertEveryPair(model);
    }

    private void assertEveryPair(String model) throws Exception {
        List<Reference.Case> cases = Reference.all("safetensors/reference.json").stream()
                .filter(c -> c.model().equals(model) && c.maxLength() == 512 && c.truncation().equals("flag"))
                .toList();
        assertFalse(cases.isEmpty());
        for (Reference.Case c : cases) {
            Map<Integer, Double> together = RoutesAgreeTest.tei(c.query(), c.documents(), true);
            for (int d = 0; d < c.documents().size(); d++) {
                assertEquals(c.logits()[d], together.get(d), TOLERANCE, model + " case " + c.number() + " doc " + d);
                Map<Integer, Double> alone = RoutesAgreeTest.tei(c.query(), List.of(c.documents().get(d)), true);
                assertEquals(c.logits()[d], alone.get(0), TOLERANCE, model + " case " + c.number() + " doc " + d
                        + " alone");
            }
            List<Map<String, Object>> cohere = given().contentType(ContentType.JSON)
                    .body(Map.of("query", c.query(), "documents", c.documents())).post("/v2/rerank").then()
                    .statusCode(200).extract().jsonPath().getList("results");
            for (Map<String, Object> r : cohere) {
                int index = ((Number) r.get("index")).intValue();
                assertEquals(c.scores()[index], ((Number) r.get("relevance_score")).doubleValue(), TOLERANCE);
            }
        }
        // Every case at once, queued behind a one-pair batch held at the door: their pairs share batches.
        int pairs = cases.stream().mapToInt(c -> c.documents().size()).sum();
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            CompletableFuture<Map<Integer, Double>> first = CompletableFuture.supplyAsync(
                    () -> RoutesAgreeTest.tei("hold", List.of("the door"), true));
            Poll.until("the first batch is held", () -> swap.entered.getCount() == 0);
            List<CompletableFuture<Map<Integer, Double>>> answers = new ArrayList<>();
            for (Reference.Case c : cases) {
                answers.add(CompletableFuture.supplyAsync(() -> RoutesAgreeTest.tei(c.query(), c.documents(), true)));
            }
            Poll.until("every pair is queued", () -> scheduler.queuedPairs() == pairs);
            swap.open();
            first.get();
            for (int i = 0; i < cases.size(); i++) {
                Reference.Case c = cases.get(i);
                Map<Integer, Double> got = answers.get(i).get();
                for (int d = 0; d < c.documents().size(); d++) {
                    assertEquals(c.logits()[d], got.get(d), TOLERANCE, model + " shared, case " + c.number());
                }
            }
            assertTrue(swap.mostQueriesInABatch.get() > 1, "requests shared a batch");
        }
    }
}
