package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.OnnxFixtures;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A model whose logit is the sum of the pair's token ids, served end to end: every score is known
 * exactly, and its tokenizer fails on unknown words.
 */
@QuarkusTest
@TestProfile(SyntheticModelTest.Profile.class)
class SyntheticModelTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                return Map.of("reranker.model.path",
                        OnnxFixtures.wordLevelModel(Files.createTempDirectory("synthetic-model")).toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void scoresAreExactlyTheSumOfTheIds() {
        // [CLS]=1 apple=10 [SEP]=2 | banana=20 cherry=30 [SEP]=2 ; [CLS] apple [SEP] a=3 [SEP]
        List<Map<String, Object>> ranks = given().contentType(ContentType.JSON)
                .body(Map.of("query", "apple", "texts", List.of("a", "banana cherry", "b b"), "raw_scores", true))
                .post("/rerank").then().statusCode(200).header("x-compute-tokens", "17")
                .extract().jsonPath().getList("$");
        assertEquals(Map.of("index", 1, "score", 65.0f), ranks.get(0));
        assertEquals(Map.of("index", 2, "score", 23.0f), ranks.get(1));
        assertEquals(Map.of("index", 0, "score", 18.0f), ranks.get(2));
    }

    @Test
    void theTokenizersFailureIs422OnTeiAnd400OnCohere() {
        given().contentType(ContentType.JSON).body(Map.of("query", "apple", "texts", List.of("banana", "durian")))
                .post("/rerank").then().statusCode(422).body("error_type", equalTo("tokenizer"))
                .body("error", containsString("tokenizer"));
        given().contentType(ContentType.JSON).body(Map.of("query", "apple", "documents", List.of("durian")))
                .post("/v1/rerank").then().statusCode(400).body("message", containsString("tokenizer"));
    }
}
