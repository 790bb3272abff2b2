package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import dev.reranker.support.SmallQueueWithKeysProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** With reranker.api-keys set, scoring routes need a key; health, metrics, OpenAPI and /info do not. */
@QuarkusTest
@TestProfile(SmallQueueWithKeysProfile.class)
class ApiKeyTest {

    private static final Map<String, Object> TEI = Map.of("query", "q", "texts", List.of("a", "b"));
    private static final Map<String, Object> COHERE = Map.of("query", "q", "documents", List.of("a", "b"));

    @BeforeEach
    void ready() {
        Ready.await();
    }

    private static RequestSpecification json() {
        return given().contentType(ContentType.JSON);
    }

    @Test
    void scoringRoutesRefuseMissingOrWrongKeys() {
        json().body(TEI).post("/rerank").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("error_type", equalTo("unauthorized"));
        json().header("Authorization", "Bearer wrong").body(TEI).post("/rerank").then().statusCode(401);
        json().body(COHERE).post("/v1/rerank").then().statusCode(401).body("message", equalTo(
                "Missing API key: send Authorization: Bearer <key>"));
        json().header("Authorization", "Bearer first-key-but-longer").body(COHERE).post("/v2/rerank").then()
                .statusCode(401).body("message", equalTo("Invalid API key"));
    }

    @Test
    void bearerAndBareKeysAreAccepted() {
        json().header("Authorization", "Bearer first-key").body(TEI).post("/rerank").then().statusCode(200);
        json().header("Authorization", "bearer second-key").body(COHERE).post("/v1/rerank").then().statusCode(200);
        // LlamaIndex's TEI client sends the key bare.
        json().header("Authorization", "second-key").body(TEI).post("/rerank").then().statusCode(200);
        json().header("Authorization", "Bearer first-key").body(COHERE).post("/v2/rerank").then().statusCode(200);
    }

    @Test
    void healthMetricsOpenApiAndInfoStayOpen() {
        given().get("/health").then().statusCode(200);
        Management.given().get("/q/health").then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200);
        Management.given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
        given().get("/info").then().statusCode(200);
    }
}
