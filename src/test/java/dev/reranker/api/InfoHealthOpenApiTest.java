package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class InfoHealthOpenApiTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void infoDescribesModelDeviceAndLimits() {
        given().get("/info").then().statusCode(200).body("model_id", equalTo("tiny-xlmr-demo"))
                .body("device", equalTo("cpu")).body("precision", equalTo("fp32"))
                .body("max_input_length", equalTo(512))
                .body("truncation", equalTo("flag")).body("demo_model", equalTo(true))
                .body("state", equalTo("ready")).body("max_client_batch_size", equalTo(1000))
                .body("auto_truncate", equalTo(true)).body("batch.max_tokens", equalTo(1024))
                .body("batch.workers", equalTo(1)).body("version", equalTo("0.1.0-SNAPSHOT"))
                .body("model_type", hasKey("reranker")).body("load_time_ms", greaterThan(-1))
                .body("$", not(hasKey("model_path"))).body("$", not(hasKey("onnx_file")))
                // TEI's meaning: requests in flight, not pairs.
                .body("max_concurrent_requests", equalTo(512)).body("max_pairs_per_request", equalTo(2000))
                .body("batch.max_queued_pairs", equalTo(4096))
                .body("batch.max_queued_time_ms", equalTo(60_000)).body("batch.request_timeout_ms", equalTo(75_000))
                // Seeded by the warm-up before the model was served.
                .body("throughput.seconds_per_padded_token", greaterThan(0f))
                .body("throughput.queued_seconds", greaterThanOrEqualTo(0f));
        // Where the model lies on disk is for the admin view only.
        org.junit.jupiter.api.Assertions.assertFalse(given().get("/info").asString().contains("embedded demo model"));
    }

    @Test
    void probesWhenReady() {
        given().get("/health").then().statusCode(200);
        Management.given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name.startsWith('model-') }.data.state", equalTo("ready"));
        Management.given().get("/q/health/live").then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'model-ready' }.data.model", equalTo("tiny-xlmr-demo"))
                .body("checks.find { it.name == 'model-ready' }.data.device", equalTo("cpu"))
                .body("checks.find { it.name == 'model-ready' }.data.max_length", equalTo(512));
        // On the service port only TEI's /health: the probes and metrics have moved to the management interface.
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/metrics")) {
            given().get(path).then().statusCode(404);
        }
    }

    @Test
    void openApiDocumentsEveryPublicRoute() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/rerank")).body("paths", hasKey("/v1/rerank"))
                .body("paths", hasKey("/v2/rerank")).body("paths", hasKey("/info")).body("paths", hasKey("/health"))
                .body("paths", not(hasKey("/admin/model")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    /** TEI's /health answers an empty 200; the document says so (not JSON), and its 503 is the JSON error. */
    @Test
    void healthIsAnEmpty200AsDocumented() {
        given().get("/health").then().statusCode(200).header("Content-Length", "0");
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths.'/health'.get.responses.'200'", hasKey("description"))
                .body("paths.'/health'.get.responses.'200'", not(hasKey("content")))
                .body("paths.'/health'.get.responses.'503'.content", hasKey("application/json"));
    }

    /** What Swagger UI sends when "Try it out" is pressed: the example of every operation must succeed as sent. */
    @Test
    void everyOperationsExampleSucceedsAsSent() throws Exception {
        String text = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .asString();
        assertFalse(text.contains("JsonNode"), "Jackson's JsonNode internals in the OpenAPI document");
        JsonNode document = new ObjectMapper().readTree(text);
        int sent = 0;
        for (var path : document.path("paths").properties()) {
            for (var operation : path.getValue().properties()) {
                JsonNode responses = operation.getValue().path("responses");
                assertTrue(responses.has("200"), path.getKey() + " " + operation.getKey() + " documents its 200");
                JsonNode content = operation.getValue().path("requestBody").path("content").path("application/json");
                if (content.isMissingNode()) {
                    continue;
                }
                assertTrue(responses.path("200").path("content").path("application/json").has("schema"),
                        path.getKey() + ": the 200 answer's schema");
                assertFalse(operation.getValue().path("security").findValues(TeiRerankResource.API_KEY).isEmpty(),
                        path.getKey() + ": the bearer security requirement");
                for (JsonNode example : content.path("examples")) {
                    JsonNode value = example.path("value");
                    String body = value.isTextual() ? value.textValue() : value.toString();
                    given().contentType(ContentType.JSON).body(body).post(path.getKey()).then().statusCode(200);
                    sent++;
                }
            }
        }
        assertEquals(3, sent, "one example for each of the three scoring routes");
        JsonNode scheme = document.path("components").path("securitySchemes").path(TeiRerankResource.API_KEY);
        assertEquals("http", scheme.path("type").asText());
        assertEquals("bearer", scheme.path("scheme").asText());
    }
}
