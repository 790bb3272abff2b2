package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class InfoHealthOpenApiTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void infoDescribesModelDeviceAndLimits() {
        given().get("/info").then().statusCode(200).body("model_id", equalTo("tiny-xlmr-demo"))
                .body("device", equalTo("cpu")).body("max_input_length", equalTo(512))
                .body("truncation", equalTo("flag")).body("demo_model", equalTo(true))
                .body("state", equalTo("ready")).body("max_client_batch_size", equalTo(1000))
                .body("auto_truncate", equalTo(true)).body("batch.max_tokens", equalTo(1024))
                .body("batch.workers", equalTo(1)).body("version", equalTo("0.1.0-SNAPSHOT"))
                .body("model_type", hasKey("reranker")).body("load_time_ms", greaterThan(-1))
                .body("model_path", containsString("embedded demo model"))
                // TEI's meaning: requests in flight, not pairs.
                .body("max_concurrent_requests", equalTo(512)).body("max_pairs_per_request", equalTo(2000))
                .body("batch.max_queued_pairs", equalTo(4096))
                .body("batch.max_queued_time_ms", equalTo(60_000)).body("batch.request_timeout_ms", equalTo(75_000))
                // Seeded by the warm-up before the model was served.
                .body("throughput.seconds_per_padded_token", greaterThan(0f))
                .body("throughput.queued_seconds", greaterThanOrEqualTo(0f));
    }

    @Test
    void probesWhenReady() {
        given().get("/health").then().statusCode(200);
        given().get("/q/health/started").then().statusCode(200)
                .body("checks.find { it.name.startsWith('model-') }.data.state", equalTo("ready"));
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'model-ready' }.data.model", equalTo("tiny-xlmr-demo"))
                .body("checks.find { it.name == 'model-ready' }.data.device", equalTo("cpu"))
                .body("checks.find { it.name == 'model-ready' }.data.max_length", equalTo(512));
    }

    @Test
    void openApiDocumentsEveryPublicRoute() {
        given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .body("paths", hasKey("/rerank")).body("paths", hasKey("/v1/rerank"))
                .body("paths", hasKey("/v2/rerank")).body("paths", hasKey("/info")).body("paths", hasKey("/health"))
                .body("paths", not(hasKey("/admin/model")));
        given().get("/q/swagger-ui/").then().statusCode(200);
    }
}
