package dev.reranker.longdocs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.IdleAndChunkingProfile;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/** reranker.long-documents=chunk: clients that know nothing of windows get them; max_chunks_per_doc=1 truncates. */
@QuarkusTest
@TestProfile(IdleAndChunkingProfile.class)
class ChunkByDefaultTest {

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void windowsByDefaultUpToTheConfiguredLimit() {
        String document = LongDocumentsTest.PREFACE + LongDocumentsTest.PREFACE + LongDocumentsTest.SENTENCE;
        Response response = LongDocumentsTest.tei(List.of(document, LongDocumentsTest.IRRELEVANT), null);
        @SuppressWarnings("unchecked")
        Map<String, Object> best = (Map<String, Object>) LongDocumentsTest.byIndex(response, 0).get("best_window");
        assertEquals(4, best.get("windows"), "bounded by reranker.chunking.max-chunks-per-doc");
        Response truncated = LongDocumentsTest.tei(List.of(document, LongDocumentsTest.PREFACE), 1);
        assertEquals(LongDocumentsTest.logit(truncated, 1), LongDocumentsTest.logit(truncated, 0), 1e-6);
        assertTrue(!LongDocumentsTest.byIndex(truncated, 0).containsKey("best_window"));
    }
}
