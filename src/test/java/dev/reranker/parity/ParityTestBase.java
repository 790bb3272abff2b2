package dev.reranker.parity;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Every reference case of one model, max-length and truncation, through the HTTP API: logits and
 * scores within 1e-4 whether the documents travel together, one by one, or through the Cohere route.
 */
abstract class ParityTestBase {

    private static final double TOLERANCE = 1e-4;

    private final String model;
    private final int maxLength;
    private final String truncation;

    ParityTestBase(String model, int maxLength, String truncation) {
        this.model = model;
        this.maxLength = maxLength;
        this.truncation = truncation;
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void servesTheConfiguredModel() {
        JsonPath info = given().get("/info").then().statusCode(200).extract().jsonPath();
        assertEquals(maxLength, info.getInt("max_input_length"));
        assertEquals(truncation, info.getString("truncation"));
        assertFalse(info.getString("model_path").isEmpty());
    }

    @Test
    void logitsMatchTheReferenceWithAllDocumentsInOneRequest() {
        List<Reference.Case> cases = Reference.cases(model, maxLength, truncation);
        assertFalse(cases.isEmpty());
        for (Reference.Case c : cases) {
            Map<Integer, Double> raw = tei(c.query(), c.documents(), true);
            Map<Integer, Double> scores = tei(c.query(), c.documents(), false);
            for (int d = 0; d < c.documents().size(); d++) {
                assertEquals(c.logits()[d], raw.get(d), TOLERANCE, "logit of case " + c.number() + " doc " + d);
                assertEquals(c.scores()[d], scores.get(d), TOLERANCE, "score of case " + c.number() + " doc " + d);
            }
        }
    }

    @Test
    void logitsMatchTheReferenceOneDocumentPerRequest() {
        for (Reference.Case c : Reference.cases(model, maxLength, truncation)) {
            for (int d = 0; d < c.documents().size(); d++) {
                Map<Integer, Double> raw = tei(c.query(), List.of(c.documents().get(d)), true);
                assertEquals(c.logits()[d], raw.get(0), TOLERANCE, "logit of case " + c.number() + " doc " + d);
            }
        }
    }

    @Test
    void cohereRelevanceScoresMatchTheReference() {
        for (Reference.Case c : Reference.cases(model, maxLength, truncation)) {
            JsonPath body = given().contentType(ContentType.JSON)
                    .body(Map.of("query", c.query(), "documents", c.documents()))
                    .post("/v2/rerank").then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> results = body.getList("results");
            assertEquals(c.documents().size(), results.size());
            for (Map<String, Object> r : results) {
                int index = ((Number) r.get("index")).intValue();
                assertEquals(c.scores()[index], ((Number) r.get("relevance_score")).doubleValue(), TOLERANCE,
                        "relevance_score of case " + c.number() + " doc " + index);
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
