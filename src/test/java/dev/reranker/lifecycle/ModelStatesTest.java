package dev.reranker.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Probes and answers follow the model through the states {@link ModelLifecycle} drives it through: the two phases
 * of a drain, and a load while nothing is served. (A failed startup ends the process; its liveness answer is
 * checked in {@link ModelHealthChecksTest}.)
 */
@QuarkusTest
class ModelStatesTest {

    @Inject
    ModelLifecycle lifecycle;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    private static int rerank() {
        return given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank")
                .statusCode();
    }

    @Test
    void probesAndAnswersFollowTheDrainPhases() {
        try {
            lifecycle.readinessDown();
            Management.given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name.startsWith('model-') }.data.state", equalTo("draining"));
            given().get("/health").then().statusCode(503).contentType("application/json")
                    .body("error_type", equalTo("unhealthy")).body("error", containsString("draining"));
            Management.given().get("/q/health/started").then().statusCode(200);
            Management.given().get("/q/health/live").then().statusCode(200);
            // Draining still takes requests until the platform has stopped routing.
            given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank")
                    .then().statusCode(200);
            lifecycle.refuseNewRequests();
            given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank")
                    .then().statusCode(503).body("error_type", equalTo("unhealthy"));
            given().contentType(ContentType.JSON).body(Map.of("query", "q", "documents", List.of("a")))
                    .post("/v2/rerank").then().statusCode(503).body("message", containsString("shutting down"));
        } finally {
            lifecycle.load(Optional.empty(), Optional.empty());
        }
        Management.given().get("/q/health/ready").then().statusCode(200);
        Management.given().get("/q/health/live").then().statusCode(200);
        given().get("/health").then().statusCode(200);
    }

    @Test
    void whileAModelLoadsTheStartupProbeIsDownAndRequestsAreRefused() throws Exception {
        lifecycle.unload();
        RunnerSwap.TestLoader loader = RunnerSwap.TestLoader.install();
        loader.admitLoad = new CountDownLatch(1);
        CompletableFuture<Void> loading = CompletableFuture.runAsync(
                () -> lifecycle.load(Optional.empty(), Optional.empty()));
        try {
            assertTrue(loader.loadWaiting.await(20, TimeUnit.SECONDS), "the load started");
            Management.given().get("/q/health/started").then().statusCode(503);
            Management.given().get("/q/health/ready").then().statusCode(503);
            Management.given().get("/q/health/live").then().statusCode(200);
            given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank")
                    .then().statusCode(503).body("error_type", equalTo("unhealthy"))
                    .body("error", containsString("loading"));
        } finally {
            loader.admitLoad.countDown();
            loading.get(30, TimeUnit.SECONDS);
        }
        Management.given().get("/q/health/ready").then().statusCode(200);
        Management.given().get("/q/health/started").then().statusCode(200);
        assertTrue(rerank() == 200);
    }
}
