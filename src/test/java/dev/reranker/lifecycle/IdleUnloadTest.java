package dev.reranker.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServiceState;
import dev.reranker.support.IdleAndChunkingProfile;
import dev.reranker.support.Management;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/** After reranker.idle-unload without requests the session is closed; readiness stays UP; the next request reloads. */
@QuarkusTest
@TestProfile(IdleAndChunkingProfile.class)
class IdleUnloadTest {

    @Inject
    ModelSlot slot;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    private static float logit() {
        return given().contentType(ContentType.JSON)
                .body(Map.of("query", "license", "texts", List.of("a license to redistribute"), "raw_scores", true))
                .post("/rerank").then().statusCode(200).extract().jsonPath().getFloat("[0].score");
    }

    @Test
    void idleReleasesTheSessionAndTheNextRequestLoadsItAgain() {
        float before = logit();
        Poll.until("the model is released for idleness", () -> slot.snapshot().state() == ServiceState.IDLE);
        given().get("/info").then().body("state", equalTo("idle")).body("idle_unload_ms", equalTo(400));
        Management.given().get("/q/health/ready").then().statusCode(200);
        given().get("/health").then().statusCode(200);
        int reloads = given().get("/info").jsonPath().getInt("reloads_after_idle");
        assertEquals(before, logit(), 1e-6, "the reloaded model scores the same");
        // Not "state == ready": with a 400 ms idle-unload a loaded machine may already have released it again.
        given().get("/info").then().body("reloads_after_idle", equalTo(reloads + 1));
    }
}
