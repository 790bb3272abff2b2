package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.RawHttp;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** TEI's POST /rerank: the shape, the options, and every error as TEI answers it. */
@QuarkusTest
class TeiRerankApiTest {

    static final String QUERY = "what license allows redistribution of modified versions";
    static final List<String> TEXTS = List.of(
            "The kernel schedules processes on every available processor.",
            "You may redistribute modified versions of this software under the same license.",
            "Redistribution and use in source and binary forms, with or without modification, are permitted.");

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static Response rerank(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/rerank");
    }

    @Test
    void ranksEveryTextMostRelevantFirst() {
        List<Map<String, Object>> ranks = rerank(Map.of("query", QUERY, "texts", TEXTS)).then().statusCode(200)
                .body("$", hasSize(3)).body("[0].text", nullValue()).extract().jsonPath().getList("$");
        List<Integer> indices = new ArrayList<>();
        double previous = Double.MAX_VALUE;
        for (Map<String, Object> rank : ranks) {
            double score = ((Number) rank.get("score")).doubleValue();
            assertTrue(score <= previous, "sorted by score descending");
            assertTrue(score > 0 && score < 1, "a sigmoid score");
            previous = score;
            indices.add((Integer) rank.get("index"));
        }
        Collections.sort(indices);
        assertEquals(List.of(0, 1, 2), indices);
        // The toy model still ranks the on-topic text above the kernel sentence.
        assertNotEquals(0, ranks.get(0).get("index"));
    }

    @Test
    void rawScoresAreTheLogitsBehindTheScores() {
        Map<Integer, Double> scores = byIndex(rerank(Map.of("query", QUERY, "texts", TEXTS)));
        Map<Integer, Double> logits = byIndex(rerank(Map.of("query", QUERY, "texts", TEXTS, "raw_scores", true)));
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(scores.get(i), 1 / (1 + Math.exp(-logits.get(i))), 1e-6);
        }
    }

    @Test
    void returnTextEchoesEachText() {
        Response response = rerank(Map.of("query", QUERY, "texts", TEXTS, "return_text", true));
        response.then().statusCode(200);
        for (Map<String, Object> rank : response.jsonPath().<Map<String, Object>> getList("$")) {
            assertEquals(TEXTS.get((Integer) rank.get("index")), rank.get("text"));
        }
    }

    @Test
    void topNIsNeverAppliedOnTheTeiRoute() {
        rerank(Map.of("query", QUERY, "texts", TEXTS, "top_n", 1)).then().statusCode(200).body("$", hasSize(3));
    }

    @Test
    void unknownFieldsAndNullsAreIgnored() {
        Map<String, Object> body = new HashMap<>(Map.of("query", QUERY, "texts", TEXTS, "something_new", 42));
        body.put("truncate", null);
        body.put("raw_scores", null);
        rerank(body).then().statusCode(200).body("$", hasSize(3));
    }

    @Test
    void timingHeadersOnEveryResponse() {
        Response response = rerank(Map.of("query", QUERY, "texts", TEXTS));
        response.then().statusCode(200).header("x-compute-tokens", notNullValue())
                .header("x-queue-time", notNullValue()).header("x-tokenization-time", notNullValue())
                .header("x-inference-time", notNullValue()).header("x-total-time", notNullValue());
        assertTrue(Integer.parseInt(response.header("x-compute-tokens")) > 3 * 4, "special tokens alone are 12");
    }

    @Test
    void emptyQueryIs400Empty() {
        rerank(Map.of("query", "", "texts", TEXTS)).then().statusCode(400).body("error_type", equalTo("empty"))
                .body("error", containsString("query"));
        rerank(Map.of("query", "   ", "texts", TEXTS)).then().statusCode(400).body("error_type", equalTo("empty"));
        rerank(Map.of("texts", TEXTS)).then().statusCode(400).body("error_type", equalTo("empty"));
    }

    @Test
    void emptyTextsIs400Empty() {
        rerank(Map.of("query", QUERY, "texts", List.of())).then().statusCode(400)
                .body("error_type", equalTo("empty")).body("error", containsString("texts"));
        rerank(Map.of("query", QUERY)).then().statusCode(400).body("error_type", equalTo("empty"));
    }

    @Test
    void moreTextsThanTheClientBatchSizeIs422() {
        List<String> texts = Collections.nCopies(1001, "short text");
        rerank(Map.of("query", QUERY, "texts", texts)).then().statusCode(422)
                .body("error_type", equalTo("validation")).body("error", containsString("1001"))
                .body("error", containsString("1000"));
    }

    @Test
    void tooLongWithoutTruncationIs422NamingBothLengths() {
        String longText = "redistribution of modified versions ".repeat(200);
        Response response = rerank(Map.of("query", QUERY, "texts", List.of("short", longText), "truncate", false));
        response.then().statusCode(422).body("error_type", equalTo("validation"))
                .body("error", containsString("512"));
        String message = response.jsonPath().getString("error");
        assertTrue(message.matches(".*Given: \\d{3,}.*"), message);
        rerank(Map.of("query", QUERY, "texts", TEXTS, "truncate", false)).then().statusCode(200);
        rerank(Map.of("query", QUERY, "texts", List.of(longText), "truncate", true)).then().statusCode(200);
    }

    @Test
    void truncationDirectionKeepsTheOtherEnd() {
        String text = "the kernel schedules processes ".repeat(100) + "you may redistribute modified versions";
        double right = byIndex(rerank(Map.of("query", QUERY, "texts", List.of(text), "raw_scores", true))).get(0);
        double left = byIndex(rerank(Map.of("query", QUERY, "texts", List.of(text), "raw_scores", true,
                "truncation_direction", "Left"))).get(0);
        assertNotEquals(right, left, 1e-4);
        rerank(Map.of("query", QUERY, "texts", TEXTS, "truncation_direction", "Up")).then().statusCode(422)
                .body("error_type", equalTo("validation"));
    }

    @Test
    void malformedJsonIs400AndWrongTypesAre422AsInTei() {
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"texts\": [").post("/rerank").then()
                .statusCode(400).body("error", containsString("Malformed")).body("error_type", equalTo("validation"));
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"texts\": {\"a\": 1}}").post("/rerank").then()
                .statusCode(422).body("error", containsString("Malformed")).body("error_type", equalTo("validation"));
        given().contentType(ContentType.JSON).body("{\"query\": [1], \"texts\": [\"a\"]}").post("/rerank").then()
                .statusCode(422);
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"texts\": [\"a\"], \"raw_scores\": \"maybe\"}")
                .post("/rerank").then().statusCode(422);
    }

    @Test
    void nullTextIs4xxNot500() {
        given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"texts\": [\"a\", null]}").post("/rerank")
                .then().statusCode(422).body("error_type", equalTo("validation"));
    }

    @Test
    void chineseEmojiAndAMegabyteDocumentAreScored() {
        String megabyte = "A long document about licenses and kernels. ".repeat(1024 * 1024 / 44 + 1);
        assertTrue(megabyte.length() >= 1024 * 1024);
        List<String> texts = List.of("进程调度器在每个可用的处理器上运行进程。", "🚀🔥 launch the rocket 👩‍🚀", megabyte,
                "Ünïcödé façade — ＦＵＬＬＷＩＤＴＨ text");
        rerank(Map.of("query", "进程 目录 🚀", "texts", texts)).then().statusCode(200).body("$", hasSize(4));
    }

    @Test
    void bodyOverTheLimitIs413() throws Exception {
        // Expect: 100-continue lets the server refuse on the Content-Length before the body is sent, as a
        // well-behaved client would; without it the server's early 413 races the upload.
        String answer = RawHttp.exchange(RawHttp.announce("/rerank", 21L * 1024 * 1024 + 30));
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
    }

    static Map<Integer, Double> byIndex(Response response) {
        response.then().statusCode(200);
        Map<Integer, Double> out = new HashMap<>();
        for (Map<String, Object> rank : response.jsonPath().<Map<String, Object>> getList("$")) {
            out.put((Integer) rank.get("index"), ((Number) rank.get("score")).doubleValue());
        }
        return out;
    }
}
