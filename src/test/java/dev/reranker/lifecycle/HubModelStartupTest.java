package dev.reranker.lifecycle;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.reranker.support.FakeHubResource;
import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The service started with nothing but a Hub id: the external-data model comes from a fake Hub, the startup probe
 * stays DOWN while its weights download (held by the fake Hub until the test has looked), and then the model scores
 * exactly like tiny-xlmr, whose weights it shares.
 */
@QuarkusTest
@TestProfile(HubModelStartupTest.Profile.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubModelStartupTest {

    static final String REPO = "test-org/tiny-xlmr-external";
    static final String HELD = "model.onnx_data";

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The admin key only to read where the model was put (GET /admin/model); /info does not show it.
            return Map.of("reranker.max-length", "512", "reranker.truncation", "flag", "reranker.admin.key", "k");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("repo", REPO, "gate", HELD)));
        }
    }

    @Test
    @Order(1)
    void startedIsDownWhileTheWeightsDownload() throws Exception {
        assertEquals("true", fakeHub("gated?path=" + HELD), "the download of " + HELD + " never started");

        Management.given().get("/q/health/started").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks[0].data.state", equalTo("loading"))
                .body("checks[0].data.detail", containsString(REPO + " " + HELD));
        given().get("/health").then().statusCode(503);
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("d")))
                .post("/rerank").then().statusCode(503);

        fakeHub("release?path=" + HELD);
        Ready.await();
        Management.given().get("/q/health/started").then().statusCode(200);
    }

    @Test
    @Order(2)
    void theDownloadedModelScoresLikeTinyXlmr() {
        Ready.await();
        JsonPath info = given().get("/info").then().statusCode(200).extract().jsonPath();
        assertEquals(REPO, info.getString("model_id"));
        String location = given().header("Authorization", "Bearer k").get("/admin/model").then().statusCode(200)
                .extract().jsonPath().getString("model.location");
        assertTrue(location.contains("models--test-org--tiny-xlmr-external/snapshots/"), location);

        List<Reference.Case> cases = Reference.cases("tiny-xlmr", 512, "flag");
        assertFalse(cases.isEmpty());
        for (Reference.Case c : cases) {
            Map<Integer, Double> logits = rawScores(c.query(), c.documents());
            for (int d = 0; d < c.documents().size(); d++) {
                assertEquals(c.logits()[d], logits.get(d), 1e-4, "logit of case " + c.number() + " doc " + d);
            }
        }
    }

    private static Map<Integer, Double> rawScores(String query, List<String> texts) {
        List<Map<String, Object>> results = given().contentType(ContentType.JSON)
                .body(Map.of("query", query, "texts", texts, "raw_scores", true))
                .post("/rerank").then().statusCode(200).extract().jsonPath().getList("$");
        Map<Integer, Double> byIndex = new HashMap<>();
        results.forEach(
                r -> byIndex.put(((Number) r.get("index")).intValue(), ((Number) r.get("score")).doubleValue()));
        assertEquals(texts.size(), byIndex.size());
        return byIndex;
    }

    /** The fake Hub runs in the test resource's class loader; it is driven over HTTP like any server. */
    private static String fakeHub(String command) throws IOException, InterruptedException {
        String endpoint = ConfigProvider.getConfig().getValue("reranker.hub.endpoint", String.class);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint + "/_fake/" + command)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
