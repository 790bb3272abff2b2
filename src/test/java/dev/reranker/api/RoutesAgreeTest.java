package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The HTTP routes give the reference's numbers for the default model (the embedded tiny-xlmr, max-length 512, flag
 * truncation): TEI's logits and scores, with the documents together or one per request, and Cohere's relevance
 * scores, all within 1e-4. Every other model and configuration is checked without HTTP in the lifecycle room's
 * {@code ReferenceParityTest}.
 */
@QuarkusTest
class RoutesAgreeTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Reference.Case> CASES = Reference.cases("tiny-xlmr", 512, "flag");

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void servesTheDefaultConfiguration() {
        JsonPath info = given().get("/info").then().statusCode(200).extract().jsonPath();
        assertEquals(512, info.getInt("max_input_length"));
        assertEquals("flag", info.getString("truncation"));
        // Where the model lies on disk is for the admin view only (GET /admin/model), not for anyone who asks.
        assertNull(info.get("model_path"));
    }

    @Test
    void teiLogitsAndScoresMatchTheReferenceWithAllDocumentsInOneRequest() {
        assertFalse(CASES.isEmpty());
        for (Reference.Case c : CASES) {
            Map<Integer, Double> raw = tei(c.query(), c.documents(), true);
            Map<Integer, Double> scores = tei(c.query(), c.documents(), false);
            for (int d = 0; d < c.documents().size(); d++) {
                assertEquals(c.logits()[d], raw.get(d), TOLERANCE, "logit of case " + c.number() + " doc " + d);
                assertEquals(c.scores()[d], scores.get(d), TOLERANCE, "score of case " + c.number() + " doc " + d);
            }
        }
    }

    @Test
    void teiLogitsMatchTheReferenceOneDocumentPerRequest() {
        for (Reference.Case c : CASES) {
            for (int d = 0; d < c.documents().size(); d++) {
                Map<Integer, Double> raw = tei(c.query(), List.of(c.documents().get(d)), true);
                assertEquals(c.logits()[d], raw.get(0), TOLERANCE, "logit of case " + c.number() + " doc " + d);
            }
        }
    }

    @Test
    void cohereRelevanceScoresMatchTheReferenceOnBothVersions() {
        for (String route : List.of("/v1/rerank", "/v2/rerank")) {
            for (Reference.Case c : CASES) {
                JsonPath body = given().contentType(ContentType.JSON)
                        .body(Map.of("query", c.query(), "documents", c.documents()))
                        .post(route).then().statusCode(200).extract().jsonPath();
                List<Map<String, Object>> results = body.getList("results");
                assertEquals(c.documents().size(), results.size());
                for (Map<String, Object> r : results) {
                    int index = ((Number) r.get("index")).intValue();
                    assertEquals(c.scores()[index], ((Number) r.get("relevance_score")).doubleValue(), TOLERANCE,
                            route + " relevance_score of case " + c.number() + " doc " + index);
                }
            }
        }
    }

    static Map<Integer, Double> tei(String query, List<String> texts, boolean rawScores) {
        List<Map<String, Object>> results = given().contentType(ContentType.JSON)
                .body(Map.of("query", query, "texts", texts, "raw_scores", rawScores))
                .post("/rerank").then().statusCode(200).extract().jsonPath().getList("$");
        Map<Integer, Double> byIndex = new HashMap<>();
        for (Map<String, Object> r : results) {
            byIndex.put(((Number) r.get("index")).intValue(), ((Number) r.get("score")).doubleValue());
        }
        assertEquals(texts.size(), byIndex.size());
        return byIndex;
    }
}
