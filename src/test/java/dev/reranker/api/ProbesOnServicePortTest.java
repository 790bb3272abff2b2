package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import dev.reranker.support.ServicePortProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * reranker.probes-on-service-port, for platforms that probe one port (Knative): the probes and the metrics answer on
 * the service port too, with what the management interface answers.
 */
@QuarkusTest
@TestProfile(ServicePortProfile.class)
class ProbesOnServicePortTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void theProbesAnswerOnBothPortsAlike() throws Exception {
        for (String path : List.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started")) {
            Response management = Management.given().get(path);
            Response service = given().get(path);
            assertEquals(200, management.statusCode(), path + " on the management port");
            assertEquals(200, service.statusCode(), path + " on the service port");
            assertEquals(management.contentType(), service.contentType(), path);
            JsonNode body = JSON.readTree(service.asString());
            assertEquals(JSON.readTree(management.asString()), body, path + ": the same checks on both ports");
            assertEquals("UP", body.path("status").asText(), path);
        }
        // The model's own checks, not only SmallRye's defaults.
        given().get("/q/health/ready").then().body("checks.find { it.name == 'model-ready' }.data.model",
                org.hamcrest.Matchers.equalTo("tiny-xlmr-demo"));
    }

    @Test
    void theMetricsAnswerOnBothPorts() {
        Response management = Management.given().get("/q/metrics");
        Response service = given().get("/q/metrics");
        assertEquals(200, management.statusCode());
        assertEquals(200, service.statusCode());
        assertEquals(management.contentType(), service.contentType());
        for (String name : List.of("reranker_model_load_seconds", "process_resident_memory_bytes",
                "http_server_requests_seconds_count")) {
            assertTrue(service.asString().contains(name), name + " on the service port's /q/metrics");
        }
    }
}
