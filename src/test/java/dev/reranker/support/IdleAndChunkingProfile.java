package dev.reranker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One application for two tests of settings that do not meet: the session is released after 400 ms without a
 * request (IdleUnloadTest), and long documents are scored in windows by default (ChunkByDefaultTest). A release for
 * idleness between the chunking test's requests only makes the next one load the model again, with the same scores.
 * Sharing it saves an application start.
 */
public class IdleAndChunkingProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("reranker.idle-unload", "400ms", "reranker.long-documents", "chunk",
                "reranker.chunking.max-chunks-per-doc", "4", "reranker.chunking.overlap", "16");
    }
}
