package dev.reranker.longdocs;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.support.Ready;
import dev.reranker.support.Reference;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Long documents scored in windows (max_chunks_per_doc) versus truncated, with the demo model. The
 * server default is truncate here; {@link ChunkByDefaultTest} covers reranker.long-documents=chunk.
 */
@QuarkusTest
class LongDocumentsTest {

    static final String QUERY = "redistribute modified versions license";
    static final String SENTENCE = "You may redistribute modified versions of this software under the same license.";
    static final String IRRELEVANT = "The kernel schedules processes on every available processor.";
    static final int OVERLAP = 32;
    static final String PREFACE = preface();

    /**
     * More than 2,000 tokens that have nothing to do with the query, cut so that the sentence after it opens
     * the last window: the demo model is a toy that only recognises a relevant sentence in a short window,
     * where bge-reranker-v2-m3 finds it anywhere in 512 tokens.
     */
    static String preface() {
        String[] lines = { "The kernel schedules processes on every available processor.",
                "Interrupts are handled by the kernel before user code runs again.",
                "Memory pages are mapped into the address space of every process.",
                "The file system caches directory entries to speed up lookups." };
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < 12_000; i++) {
            text.append(lines[i % lines.length]).append(' ');
        }
        PairLimits limits = new PairLimits(512, Truncation.FLAG, true, TruncationSide.RIGHT, 0);
        try (PairTokenizer tokenizer = PairTokenizer.load(Reference.modelDir("tiny-xlmr").resolve("tokenizer.json"))) {
            int window = 512 - tokenizer.specialTokens() - tokenizer.encodeQuery(QUERY, limits).length();
            int stride = window - OVERLAP;
            EncodedText encoded = tokenizer.encode(text.toString(), 100_000, TruncationSide.RIGHT);
            int tokens = 5 * stride + OVERLAP;
            return text.substring(0, encoded.ends()[tokens - 1]) + " ";
        }
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    static Response tei(List<String> texts, Integer maxChunks) {
        Map<String, Object> body = new HashMap<>(Map.of("query", QUERY, "texts", texts, "raw_scores", true,
                "return_text", false));
        if (maxChunks != null) {
            body.put("max_chunks_per_doc", maxChunks);
        }
        return given().contentType(ContentType.JSON).body(body).post("/rerank");
    }

    static Map<String, Object> byIndex(Response response, int index) {
        List<Map<String, Object>> ranks = response.then().statusCode(200).extract().jsonPath().getList("$");
        return ranks.stream().filter(r -> (Integer) r.get("index") == index).findFirst().orElseThrow();
    }

    static double logit(Response response, int index) {
        return ((Number) byIndex(response, index).get("score")).doubleValue();
    }

    @Test
    void theRelevantSentenceAfterALongPrefaceWinsOnlyWhenChunked() {
        String document = PREFACE + SENTENCE;
        Response chunked = tei(List.of(document, IRRELEVANT), 10);
        assertTrue(logit(chunked, 0) > logit(chunked, 1), "in windows the document outranks the irrelevant one");
        @SuppressWarnings("unchecked")
        Map<String, Object> best = (Map<String, Object>) byIndex(chunked, 0).get("best_window");
        String span = document.substring((Integer) best.get("start"), (Integer) best.get("end"));
        assertTrue(span.contains(SENTENCE), "the best window holds the sentence: " + span);
        assertEquals(6, best.get("windows"), "over 2,000 tokens of preface take five windows, the sentence a sixth");
        assertEquals((Integer) best.get("windows") - 1, best.get("window"), "the last window wins");

        Response truncated = tei(List.of(document, IRRELEVANT, PREFACE), null);
        assertEquals(logit(truncated, 2), logit(truncated, 0), 1e-6, "truncated, only the preface is scored");
        assertTrue(logit(truncated, 0) < logit(chunked, 0), "the sentence lifts the document only in windows");
        truncated.then().body("[0]", not(hasKey("best_window")));
    }

    @Test
    void aDocumentThatFitsScoresExactlyAsTruncated() {
        Response chunked = tei(List.of(SENTENCE, IRRELEVANT), 10);
        Response truncated = tei(List.of(SENTENCE, IRRELEVANT), 1);
        for (int i = 0; i < 2; i++) {
            assertEquals(logit(truncated, i), logit(chunked, i), 1e-5);
            assertTrue(!byIndex(chunked, i).containsKey("best_window"));
        }
    }

    @Test
    void aMegabyteDocumentIsBoundedByTheWindowLimit() {
        String megabyte = (PREFACE + SENTENCE + " ").repeat(200);
        assertTrue(megabyte.length() > 1_000_000);
        Response response = tei(List.of(megabyte), 3);
        @SuppressWarnings("unchecked")
        Map<String, Object> best = (Map<String, Object>) byIndex(response, 0).get("best_window");
        assertEquals(3, best.get("windows"));
        assertTrue(Integer.parseInt(response.header("x-compute-tokens")) <= 3 * 512);
    }

    @Test
    void cohereCountsEveryWindowInUsageAndSearchUnits() {
        String document = PREFACE + SENTENCE;
        List<String> documents = java.util.Collections.nCopies(30, document);
        JsonPath truncated = given().contentType(ContentType.JSON)
                .body(Map.of("query", QUERY, "documents", documents)).post("/v2/rerank").then().statusCode(200)
                .body("meta.billed_units.search_units", equalTo(1)).extract().jsonPath();
        JsonPath chunked = given().contentType(ContentType.JSON)
                .body(Map.of("query", QUERY, "documents", documents, "max_chunks_per_doc", 10)).post("/v2/rerank")
                .then().statusCode(200).extract().jsonPath();
        int windows = chunked.getInt("results[0].best_window.windows");
        assertEquals((30 * windows + 99) / 100, chunked.getInt("meta.billed_units.search_units"));
        assertTrue(chunked.getInt("meta.billed_units.search_units") >= 2);
        assertTrue(chunked.getLong("usage.total_tokens") > 3 * truncated.getLong("usage.total_tokens"));
        given().contentType(ContentType.JSON).body(Map.of("query", QUERY, "documents", documents,
                "max_chunks_per_doc", 0)).post("/v2/rerank").then().statusCode(400);
        tei(List.of(SENTENCE), 0).then().statusCode(422).body("error_type", equalTo("validation"));
    }
}
