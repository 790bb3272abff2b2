package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Management;
import dev.reranker.support.RawHttp;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** X-Request-Id on every response, and the metrics the lifecycle adds. */
@QuarkusTest
class ObservabilityTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void theCallersRequestIdComesBackOnEveryRoute() {
        given().header("X-Request-Id", "abc-123").contentType(ContentType.JSON)
                .body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank").then().statusCode(200)
                .header("X-Request-Id", equalTo("abc-123"));
        Management.given().header("X-Request-Id", "probe-1").get("/q/health/ready").then().statusCode(200)
                .header("X-Request-Id", equalTo("probe-1"));
        Management.given().header("X-Request-Id", "m-1").get("/q/metrics").then().statusCode(200).header("X-Request-Id",
                equalTo("m-1"));
        // Errors too, whichever route format answers them.
        given().header("X-Request-Id", "err-1").contentType(ContentType.JSON).body("{").post("/v2/rerank").then()
                .statusCode(400).header("X-Request-Id", equalTo("err-1"));
        given().header("X-Request-Id", "nf-1").get("/no/such/route").then().statusCode(404).header("X-Request-Id",
                equalTo("nf-1"));
    }

    @Test
    void aMissingOrUnusableIdIsReplacedByANewOne() {
        String first = given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a")))
                .post("/rerank").then().statusCode(200).header("X-Request-Id", matchesPattern("[0-9a-f]{32}"))
                .extract().header("X-Request-Id");
        String second = given().get("/health").then().header("X-Request-Id", matchesPattern("[0-9a-f]{32}")).extract()
                .header("X-Request-Id");
        assertNotEquals(first, second);
        given().header("X-Request-Id", "x".repeat(129)).get("/health").then()
                .header("X-Request-Id", matchesPattern("[0-9a-f]{32}"));
        given().header("X-Request-Id", "a b").get("/health").then().header("X-Request-Id",
                matchesPattern("[0-9a-f]{32}"));
    }

    @Test
    void headerValidation() {
        assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", RequestIdFilter.accept("4bf92f3577b34da6a3ce929d0e0e4736"));
        assertNull(RequestIdFilter.accept(""));
        assertNull(RequestIdFilter.accept("quote\"d"));
        assertNull(RequestIdFilter.accept("tab\there"));
        assertNull(RequestIdFilter.accept("é"));
        assertTrue(RequestIdFilter.newId().matches("[0-9a-f]{32}"));
    }

    @Test
    void metricsReportModelLoadTimeToReadyAndResidentMemory() {
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(value(metrics, "process_resident_memory_bytes") > 10_000_000, "RSS in bytes");
        assertTrue(value(metrics, "reranker_model_loads_total") >= 1, "the startup load is counted");
        // A gauge: a timer's _max would decay to 0 within minutes of the load, and the dashboard read 0.
        assertTrue(value(metrics, "reranker_model_load_seconds") > 0);
        assertFalse(metrics.contains("reranker_model_load_seconds_max"), "no decaying maximum for a one-off fact");
        double ready = value(metrics, "reranker_time_to_ready_seconds");
        assertTrue(ready > 0 && ready < 600, "time to ready " + ready);
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a"))).post("/rerank").then()
                .statusCode(200);
        String after = Management.given().get("/q/metrics").asString();
        assertTrue(after.contains("http_server_requests_seconds_bucket{"), "latency buckets for dashboards");
        assertTrue(after.matches("(?s).*http_server_requests_seconds_count\\{[^}]*uri=\"/rerank\"[^}]*\\}.*"),
                "requests counted by route");
    }

    @Test
    void noClientCanAddMetricSeries() throws Exception {
        // A URI and a header block the HTTP server refuses on its own.
        refusedByTheServer("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        refusedByTheServer("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n");
        java.util.Set<String> before = requestSeries();
        // Methods nobody defined, on a route, on an unknown path and on an admin path: one series for each.
        for (int i = 0; i < 20; i++) {
            given().request("INVENTED" + i, "/rerank").then().statusCode(405);
            given().request("X" + i, "/nowhere/" + i).then().statusCode(404);
            given().request("Y" + i, "/admin/model").then().statusCode(404);
        }
        String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
        java.util.Set<String> added = new java.util.TreeSet<>(requestSeries(metrics));
        added.removeAll(before);
        assertTrue(added.size() <= 2, "60 requests with invented methods added " + added);
        assertTrue(added.stream().allMatch(series -> series.contains("method=\"OTHER\"")), String.join("\n", added));
        // Connection errors are counted by reason, never by Java class.
        assertFalse(metrics.contains("Exception"), "exception class names in /q/metrics");
        assertFalse(metrics.contains("io.netty"), "class names in /q/metrics");
    }

    private static java.util.Set<String> requestSeries() {
        return requestSeries(Management.given().get("/q/metrics").asString());
    }

    /** The label sets of http_server_requests_seconds_count, without their values. */
    private static java.util.Set<String> requestSeries(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("http_server_requests_seconds_count{"))
                .map(line -> line.substring(0, line.indexOf('}') + 1)).collect(java.util.stream.Collectors.toSet());
    }

    /** The server may close the connection before the whole request is written. */
    private static void refusedByTheServer(String request) {
        try {
            RawHttp.exchange(request);
        } catch (java.io.IOException e) {
            // refused
        }
    }

    @Test
    void histogramsHaveBucketsSizedToWhatTheyMeasure() {
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a", "b"))).post("/rerank")
                .then().statusCode(200);
        String metrics = Management.given().get("/q/metrics").asString();
        for (String histogram : List.of("reranker_batch_pairs", "reranker_batch_tokens", "reranker_queue_wait_seconds",
                "reranker_inference_seconds", "http_server_requests_seconds")) {
            List<Double> bounds = metrics.lines().filter(line -> line.startsWith(histogram + "_bucket{"))
                    .map(line -> Pattern.compile("le=\"([^\"]+)\"").matcher(line))
                    .filter(Matcher::find).map(m -> m.group(1)).distinct()
                    .map(le -> le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le)).toList();
            assertFalse(bounds.isEmpty(), histogram + " has buckets");
            assertTrue(bounds.size() <= 16, histogram + " has " + bounds.size() + " buckets");
            double largest = bounds.stream().filter(b -> !b.isInfinite()).max(Double::compare).orElseThrow();
            assertTrue(largest <= 65_536, histogram + " bucket up to " + largest);
        }
    }

    private static double value(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$").matcher(metrics);
        assertTrue(m.find(), name + " is not exported");
        return Double.parseDouble(m.group(1));
    }
}
