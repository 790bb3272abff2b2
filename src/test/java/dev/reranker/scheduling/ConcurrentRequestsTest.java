package dev.reranker.scheduling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.lifecycle.RunnerSwap;
import dev.reranker.support.Management;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Batches shared across requests change nobody's scores, and nobody's order. */
@QuarkusTest
class ConcurrentRequestsTest {

    private static final ExecutorService CLIENTS = Executors.newFixedThreadPool(8);

    @Inject
    BatchScheduler scheduler;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @AfterAll
    static void stop() {
        CLIENTS.shutdownNow();
    }

    static List<String> documents(int request, int count) {
        List<String> documents = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            documents.add(("document " + d + " of request " + request + " about licenses, kernels and processes ")
                    .repeat(1 + (d * 7 + request) % 9));
        }
        return documents;
    }

    static float[] logits(String query, List<String> texts) {
        List<Map<String, Object>> ranks = given().contentType(ContentType.JSON)
                .body(Map.of("query", query, "texts", texts, "raw_scores", true)).post("/rerank").then().statusCode(200)
                .extract().jsonPath().getList("$");
        float[] out = new float[texts.size()];
        for (Map<String, Object> rank : ranks) {
            out[(Integer) rank.get("index")] = ((Number) rank.get("score")).floatValue();
        }
        return out;
    }

    @Test
    void concurrentRequestsGetExactlyTheScoresTheyGetAlone() throws Exception {
        int requests = 8;
        List<float[]> alone = new ArrayList<>();
        for (int r = 0; r < requests; r++) {
            alone.add(logits("query number " + r, documents(r, 5 + r)));
        }
        List<CompletableFuture<float[]>> together = new ArrayList<>();
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            // The first request holds the worker; the others pile up and are cut into shared batches.
            together.add(CompletableFuture.supplyAsync(() -> logits("query number 0", documents(0, 5)), CLIENTS));
            assertTrue(swap.entered.await(10, TimeUnit.SECONDS));
            for (int r = 1; r < requests; r++) {
                int request = r;
                together.add(CompletableFuture.supplyAsync(
                        () -> logits("query number " + request, documents(request, 5 + request)), CLIENTS));
            }
            int queued = 0;
            for (int r = 1; r < requests; r++) {
                queued += 5 + r;
            }
            int expected = queued;
            Poll.until("every request is queued", () -> scheduler.queuedPairs() == expected);
            swap.open();
            for (int r = 0; r < requests; r++) {
                float[] got = together.get(r).get(30, TimeUnit.SECONDS);
                for (int d = 0; d < got.length; d++) {
                    assertEquals(alone.get(r)[d], got[d], 1e-5, "request " + r + " document " + d);
                }
            }
            assertTrue(swap.mostQueriesInABatch.get() > 1, "pairs of several requests shared a batch");
        }
    }

    @Test
    void aRequestSplitOverSeveralBatchesGetsItsScoresInOrder() {
        // 300 documents, more than reranker.batch.max-pairs (128): at least three batches.
        List<String> documents = documents(42, 300);
        float[] together;
        try (RunnerSwap swap = new RunnerSwap()) {
            together = logits("licenses and kernels", documents);
            assertTrue(swap.batches.get() >= 3, "split into " + swap.batches.get() + " batches");
        }
        for (int d = 0; d < documents.size(); d += 23) {
            float alone = logits("licenses and kernels", List.of(documents.get(d)))[0];
            assertEquals(alone, together[d], 1e-5, "document " + d);
        }
    }

    @Test
    void metricsAppearInPrometheus() {
        logits("metrics", documents(1, 3));
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String name : List.of("reranker_queue_pairs", "reranker_queue_requests", "reranker_admitted_pairs",
                "reranker_batch_pairs_count", "reranker_batch_tokens_sum", "reranker_batch_padding_ratio_count",
                "reranker_tokens_padded_total", "reranker_tokens_real_total", "reranker_queue_wait_seconds_count",
                "reranker_inference_seconds_bucket", "reranker_pairs_scored_total",
                "reranker_pairs_dropped_total{reason=\"timeout\"}",
                "reranker_pairs_dropped_total{reason=\"disconnected\"}",
                "reranker_queue_seconds", "reranker_throughput_seconds_per_token",
                "reranker_throughput_pairs_per_second")) {
            assertTrue(metrics.contains(name), name + " in /q/metrics");
        }
        Management.given().get("/q/metrics").then()
                .body(containsString("http_server_requests_seconds_count{method=\"POST\""))
                .body(containsString("uri=\"/rerank\""));
    }
}
