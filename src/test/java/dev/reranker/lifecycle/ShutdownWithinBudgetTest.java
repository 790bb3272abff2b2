package dev.reranker.lifecycle;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/**
 * The shutdown that follows SIGTERM fits reranker.shutdown.drain-timeout as a whole, and every accepted request is
 * answered before it ends: with its scores, or 503 {@code unhealthy} with a message, never a closed connection.
 * Here a batch hangs in the model for longer than the drain: the request it carries is answered 503 in time.
 */
@QuarkusTest
@TestProfile(ShutdownWithinBudgetTest.Profile.class)
class ShutdownWithinBudgetTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // A request may take far longer than the drain: only the drain's deadline can end it.
            return Map.of("reranker.shutdown.drain-timeout", "3s", "reranker.shutdown.pre-stop-delay", "0s",
                    "reranker.request-timeout", "60s");
        }
    }

    @Test
    void anAcceptedRequestIsAnswered503BeforeTheDrainEnds() throws Exception {
        Ready.await();
        BatchScheduler scheduler = Arc.container().instance(BatchScheduler.class).get();
        ModelLifecycle lifecycle = Arc.container().instance(ModelLifecycle.class).get();
        RunnerSwap swap = new RunnerSwap().hold();
        CompletableFuture<Response> accepted = CompletableFuture.supplyAsync(() -> given()
                .contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a", "b"))).post("/rerank"));
        Poll.until("its batch is in the model", () -> swap.entered.getCount() == 0);
        assertEquals(2, scheduler.admittedPairs());
        long start = System.nanoTime();
        lifecycle.onShutdownSignal(null);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took <= 3_300, "the drain took " + took + " ms of a 3 s budget");
        // Answered before the drain ended, while the HTTP server is still up: not left for the listener to cut.
        assertTrue(accepted.isDone() || waitBriefly(accepted), "the accepted request was not answered");
        Response answer = accepted.get();
        assertEquals(503, answer.statusCode(), answer.asString());
        assertEquals("unhealthy", answer.jsonPath().getString("error_type"));
        assertTrue(answer.jsonPath().getString("error").contains("shutting down"), answer.asString());
        // New requests are refused as the service is shutting down.
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank")
                .then().statusCode(503);
        swap.open();
    }

    /** The answer is written by the HTTP server's thread just after the call ended: allow it a moment. */
    private static boolean waitBriefly(CompletableFuture<Response> answer) {
        try {
            answer.get(500, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
