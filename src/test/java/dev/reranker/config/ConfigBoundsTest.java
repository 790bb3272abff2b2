package dev.reranker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.reranker.support.Configs;

/** A setting out of its bounds stops the service at startup with a message naming it; the defaults are in bounds. */
class ConfigBoundsTest {

    @ParameterizedTest
    @CsvSource({ "RERANKER_MAX_LENGTH, 15, reranker.max-length",
            "RERANKER_MAX_CLIENT_BATCH_SIZE, 0, reranker.max-client-batch-size",
            "RERANKER_BATCH_MAX_TOKENS, 0, reranker.batch.max-tokens",
            "RERANKER_BATCH_MAX_PAIRS, -1, reranker.batch.max-pairs",
            "RERANKER_BATCH_WORKERS, 0, reranker.batch.workers",
            "RERANKER_BATCH_MAX_QUEUED_PAIRS, 0, reranker.batch.max-queued-pairs",
            "RERANKER_BATCH_MAX_WAIT, -5ms, reranker.batch.max-wait",
            "RERANKER_HUB_MAX_ATTEMPTS, 0, reranker.hub.max-attempts",
            "RERANKER_CHUNKING_OVERLAP, -1, reranker.chunking.overlap",
            "RERANKER_CHUNKING_MAX_CHUNKS_PER_DOC, 0, reranker.chunking.max-chunks-per-doc",
            "RERANKER_CUDA_DEVICE_ID, -1, reranker.cuda.device-id" })
    void aValueOutOfBoundsIsRefusedNamingTheSetting(String variable, String value, String setting) {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> Configs.fromEnvironment(Map.of(variable, value)));
        assertTrue(String.valueOf(e.getMessage()).contains(setting), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({ "RERANKER_MAX_LENGTH, 16", "RERANKER_BATCH_MAX_WAIT, 0", "RERANKER_CHUNKING_OVERLAP, 0" })
    void theBoundsThemselvesAreAccepted(String variable, String value) {
        RerankerConfig config = Configs.fromEnvironment(Map.of(variable, value));
        assertEquals(512, Configs.fromEnvironment(Map.of()).maxLength());
        assertTrue(config.maxLength() >= 16);
    }
}
