package dev.reranker.scheduling;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.lifecycle.RunnerSwap;
import dev.reranker.support.Management;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import dev.reranker.support.SmallQueueWithKeysProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** A small queue and a short timeout: 429 at once, 503 on timeout, nothing computed for a client that left. */
@QuarkusTest
@TestProfile(SmallQueueWithKeysProfile.class)
class BackPressureTest {

    @Inject
    BatchScheduler scheduler;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    private static Response rerank(int documents) {
        return given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "texts", Collections.nCopies(documents, "some text"))).post("/rerank");
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAtOnce() throws Exception {
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> rerank(10).statusCode());
            Poll.until("ten pairs are admitted", () -> scheduler.admittedPairs() == 10);
            long start = System.nanoTime();
            // Full: refused before the body is parsed.
            rerank(1).then().statusCode(429).header("Retry-After", "1").body("error_type", equalTo("overloaded"))
                    .body("error", containsString("queue is full"));
            given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                    .body(Map.of("query", "q", "documents", List.of("a")))
                    .post("/v2/rerank")
                    .then().statusCode(429).header("Retry-After", "1").body("message", containsString("overloaded"));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "refused at once");
            swap.open();
            assertEquals(200, held.get(10, TimeUnit.SECONDS));
        }
        rerank(1).then().statusCode(200);
    }

    @Test
    void aRequestThatDoesNotFitIsRefusedAfterParsing() throws Exception {
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            CompletableFuture<Integer> held = CompletableFuture.supplyAsync(() -> rerank(6).statusCode());
            Poll.until("six pairs are admitted", () -> scheduler.admittedPairs() == 6);
            rerank(5).then().statusCode(429).header("Retry-After", "1").body("error_type", equalTo("overloaded"))
                    .body("error", containsString("6 pairs are queued and this request adds 5 (limit 10 pairs)"));
            swap.open();
            assertEquals(200, held.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void requestsBeyondMaxConcurrentRequestsAre429BeforeTheirBodyIsRead() throws Exception {
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            List<CompletableFuture<Integer>> held = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                held.add(CompletableFuture.supplyAsync(() -> rerank(1).statusCode()));
            }
            Poll.until("three requests are admitted", () -> scheduler.admittedPairs() == 3);
            // Not even valid JSON: refused before the body is read.
            given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY).body("{not json")
                    .post("/rerank").then().statusCode(429).header("Retry-After", "1")
                    .body("error", containsString("3 requests in flight"));
            swap.open();
            for (CompletableFuture<Integer> request : held) {
                assertEquals(200, request.get(10, TimeUnit.SECONDS));
            }
        }
        rerank(1).then().statusCode(200);
    }

    @Test
    void theWorkOneRequestMayMakeIsBoundedAndRefusedAtOnceInEachApisWords() {
        // More documents than max-pairs-per-request (10): refused before tokenizing, even with the queue empty.
        rerank(11).then().statusCode(422).body("error_type", equalTo("validation"))
                .body("error", containsString("reranker.max-pairs-per-request"));
        given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "documents", Collections.nCopies(11, "a"))).post("/v1/rerank").then()
                .statusCode(400).body("message", containsString("reranker.max-pairs-per-request"));
        // A max_chunks_per_doc beyond reranker.chunking.max-chunks-limit (5): refused at once, in the API's words.
        given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "texts", List.of("a"), "max_chunks_per_doc", 100_000)).post("/rerank")
                .then().statusCode(422).body("error_type", equalTo("validation"))
                .body("error", equalTo("`max_chunks_per_doc` must be at most 5, got 100000"));
        given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "documents", List.of("a"), "max_chunks_per_doc", 100_000))
                .post("/v1/rerank").then().statusCode(400)
                .body("message", equalTo("`max_chunks_per_doc` must be at most 5, got 100000"));
        // Three documents that split into five windows each: 15 pairs, found when tokenized, refused then.
        String longText = "redistribution of modified copies under the same license ".repeat(400);
        long start = System.nanoTime();
        given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "texts", List.of(longText, longText, longText), "max_chunks_per_doc", 5))
                .post("/rerank").then().statusCode(422).body("error", containsString("15 pairs"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "refused without waiting");
        // Within the bounds, the same request is served.
        given().contentType(ContentType.JSON).auth().oauth2(SmallQueueWithKeysProfile.KEY)
                .body(Map.of("query", "q", "texts", List.of(longText), "max_chunks_per_doc", 5)).post("/rerank")
                .then().statusCode(200);
        assertEquals(0, scheduler.admittedPairs());
    }

    @Test
    void aRequestWaitingPastTheTimeoutGets503AndLeavesTheQueue() throws Exception {
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            long start = System.nanoTime();
            rerank(3).then().statusCode(503).body("error_type", equalTo("overloaded"))
                    .body("error", containsString("timed out after 1000 ms")).header("Retry-After", "1");
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // Bounded well below the 30 s the held batch would take; generous for a loaded CI machine.
            assertTrue(waited >= 1000 && waited < 20_000, "answered after " + waited + " ms");
            Poll.until("its capacity is given back", () -> scheduler.admittedPairs() == 0);
            swap.open();
        }
        rerank(1).then().statusCode(200);
    }

    /** reranker_pairs_dropped_total for {@code reason}. */
    private static double dropped(String reason) {
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("reranker_pairs_dropped_total\\{reason=\"" + reason + "\"\\} (\\S+)")
                .matcher(Management.given().get("/q/metrics").asString());
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    @Test
    void aCancelledRequestsPairsAreNotComputed() throws Exception {
        double disconnectedBefore = dropped("disconnected");
        try (RunnerSwap swap = new RunnerSwap().hold()) {
            CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> rerank(2).statusCode());
            Poll.until("the first batch holds the worker", () -> swap.entered.getCount() == 0);
            // A client that sends its request and goes away before the answer.
            String body = "{\"query\":\"q\",\"texts\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}";
            try (Socket socket = new Socket("localhost", RestAssured.port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /rerank HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + SmallQueueWithKeysProfile.KEY + "\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                Poll.until("its five pairs are queued", () -> scheduler.queuedPairs() == 5);
            }
            Poll.until("the departed client's pairs leave the queue", () -> scheduler.queuedPairs() == 0);
            swap.open();
            assertEquals(200, first.get(10, TimeUnit.SECONDS));
            Poll.until("its capacity is given back", () -> scheduler.admittedPairs() == 0);
            assertEquals(2, swap.pairsComputed.get(), "only the first request's pairs were computed");
            Poll.until("they are counted as dropped for a disconnected client",
                    () -> dropped("disconnected") == disconnectedBefore + 5);
        }
    }
}
