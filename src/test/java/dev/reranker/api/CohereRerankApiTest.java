package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Cohere's (and Jina's) rerank on /v1/rerank and /v2/rerank, as their SDKs call it. */
@QuarkusTest
class CohereRerankApiTest {

    private static final String QUERY = TeiRerankApiTest.QUERY;
    private static final List<String> DOCUMENTS = TeiRerankApiTest.TEXTS;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static Response rerank(String route, Object body) {
        return given().contentType(ContentType.JSON).body(body).post(route);
    }

    @ParameterizedTest
    @ValueSource(strings = { "/v1/rerank", "/v2/rerank" })
    void returnsEveryDocumentSortedWithUsageAndBilledUnits(String route) {
        Response response = rerank(route, Map.of("query", QUERY, "documents", DOCUMENTS));
        JsonPath body = response.then().statusCode(200).body("results", hasSize(3)).body("id", notNullValue())
                .body("model", equalTo("tiny-xlmr-demo")).body("meta.billed_units.search_units", equalTo(1))
                .body("results[0]", not(hasKey("document"))).extract().jsonPath();
        List<Float> scores = body.getList("results.relevance_score", Float.class);
        for (int i = 1; i < scores.size(); i++) {
            assertTrue(scores.get(i) <= scores.get(i - 1));
        }
        assertEquals(Long.parseLong(response.header("x-compute-tokens")), body.getLong("usage.total_tokens"));
        // Same scores as TEI's route.
        Map<Integer, Double> tei = TeiRerankApiTest.byIndex(given().contentType(ContentType.JSON)
                .body(Map.of("query", QUERY, "texts", DOCUMENTS)).post("/rerank"));
        for (Map<String, Object> r : body.<Map<String, Object>> getList("results")) {
            assertEquals(tei.get((Integer) r.get("index")), ((Number) r.get("relevance_score")).doubleValue(), 1e-6);
        }
    }

    @Test
    void topNCutsAfterSorting() {
        JsonPath all = rerank("/v2/rerank", Map.of("query", QUERY, "documents", DOCUMENTS)).jsonPath();
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", DOCUMENTS, "top_n", 2)).then().statusCode(200)
                .body("results", hasSize(2)).body("results[0].index", equalTo(all.getInt("results[0].index")))
                .body("results[1].index", equalTo(all.getInt("results[1].index")));
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", DOCUMENTS, "top_n", 50)).then().statusCode(200)
                .body("results", hasSize(3));
    }

    @Test
    void nullOptionalsMeanNotGiven() {
        // The Cohere SDK sends "top_n": null; @langchain/cohere sends "max_chunks_per_doc": null.
        Map<String, Object> body = new HashMap<>(Map.of("query", QUERY, "documents", DOCUMENTS));
        body.put("top_n", null);
        body.put("max_chunks_per_doc", null);
        body.put("return_documents", null);
        body.put("rank_fields", List.of("text"));
        rerank("/v1/rerank", body).then().statusCode(200).body("results", hasSize(3));
    }

    @Test
    void returnDocumentsAndObjectDocuments() {
        List<Object> documents = List.of(Map.of("text", DOCUMENTS.get(0), "title", "ignored"), DOCUMENTS.get(1));
        JsonPath body = rerank("/v2/rerank", Map.of("query", QUERY, "documents", documents, "return_documents", true,
                "model", "rerank-english-v3.0")).then().statusCode(200).body("model", equalTo("rerank-english-v3.0"))
                .extract().jsonPath();
        for (Map<String, Object> r : body.<Map<String, Object>> getList("results")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> document = (Map<String, Object>) r.get("document");
            assertEquals(DOCUMENTS.get((Integer) r.get("index")), document.get("text"));
        }
    }

    @Test
    void searchUnitsCountHundredsOfDocuments() {
        rerank("/v1/rerank", Map.of("query", QUERY, "documents", Collections.nCopies(101, "doc"))).then()
                .statusCode(200).body("meta.billed_units.search_units", equalTo(2)).body("results", hasSize(101));
    }

    @Test
    void maxTokensPerDocCutsDocuments() {
        String longDocument = "you may redistribute modified versions of this software ".repeat(20);
        long full = rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of(longDocument))).jsonPath()
                .getLong("usage.total_tokens");
        long cut = rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of(longDocument),
                "max_tokens_per_doc", 5)).then().statusCode(200).extract().jsonPath().getLong("usage.total_tokens");
        assertTrue(cut < full);
        JsonPath query = rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of(""))).jsonPath();
        assertEquals(query.getLong("usage.total_tokens") + 5, cut);
    }

    @Test
    void invalidRequestsAre400WithAMessage() {
        rerank("/v2/rerank", Map.of("query", "", "documents", DOCUMENTS)).then().statusCode(400)
                .body("message", containsString("query"));
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of())).then().statusCode(400)
                .body("message", containsString("documents"));
        rerank("/v2/rerank", Map.of("query", QUERY)).then().statusCode(400).body("message",
                containsString("documents"));
        Map<String, Object> nullDocuments = new HashMap<>(Map.of("query", QUERY));
        nullDocuments.put("documents", null);
        rerank("/v1/rerank", nullDocuments).then().statusCode(400);
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", DOCUMENTS, "top_n", 0)).then().statusCode(400)
                .body("message", containsString("top_n"));
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of(42))).then().statusCode(400)
                .body("message", containsString("documents[0]"));
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", List.of(Map.of("title", "no text")))).then()
                .statusCode(400);
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", Collections.nCopies(1001, "doc"))).then()
                .statusCode(400).body("message", containsString("1000"));
        rerank("/v2/rerank", Map.of("query", QUERY, "documents", DOCUMENTS, "max_tokens_per_doc", 0)).then()
                .statusCode(400);
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"documents\": [\"a\"").post("/v1/rerank")
                .then().statusCode(400).body("message", containsString("Malformed"));
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"documents\": [\"a\"], \"top_n\": \"two\"}")
                .post("/v1/rerank").then().statusCode(400).body("message", containsString("Malformed"));
    }

    /**
     * Cohere v1's rank_fields: an object document is scored on its named fields, in that order, each a line
     * {@code field: value}; the same text sent as a string scores the same, and the {@code text} field alone does not.
     */
    @Test
    void rankFieldsScoreTheNamedFieldsOfObjectDocuments() {
        Map<String, Object> object = Map.of("title", "License", "text", DOCUMENTS.get(0), "year", 2024);
        String asRanked = "title: License\ntext: " + DOCUMENTS.get(0) + "\nyear: 2024";
        JsonPath body = rerank("/v1/rerank", Map.of("query", QUERY, "documents",
                List.of(object, asRanked, DOCUMENTS.get(0)), "rank_fields", List.of("title", "text", "year")))
                .then().statusCode(200).extract().jsonPath();
        Map<Integer, Float> scores = new HashMap<>();
        for (Map<String, Object> r : body.<Map<String, Object>> getList("results")) {
            scores.put((Integer) r.get("index"), ((Number) r.get("relevance_score")).floatValue());
        }
        assertEquals(scores.get(1), scores.get(0), "the object is scored as its fields' lines");
        assertTrue(!scores.get(2).equals(scores.get(0)), "rank_fields are not ignored: " + scores);
        // A document with none of the fields is refused, not scored as an empty text.
        rerank("/v1/rerank", Map.of("query", QUERY, "documents", List.of(Map.of("body", "x")), "rank_fields",
                List.of("title"))).then().statusCode(400).body("message", containsString("rank_fields"));
        rerank("/v1/rerank", Map.of("query", QUERY, "documents", List.of("a"), "rank_fields", List.of())).then()
                .statusCode(400).body("message", containsString("rank_fields"));
    }
}
