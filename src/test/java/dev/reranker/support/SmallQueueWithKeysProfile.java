package dev.reranker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One application for two tests whose settings do not meet: a 10-pair queue with a 1 s request timeout
 * (BackPressureTest, whose requests carry a key; at most 10 pairs and 5 windows per document per request, 3 requests at
 * once) and API keys
 * on the scoring routes (ApiKeyTest, whose requests are
 * two pairs at most). Sharing it saves an application start.
 */
public class SmallQueueWithKeysProfile implements QuarkusTestProfile {

    /** A key the scoring routes accept in this application. */
    public static final String KEY = "first-key";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("reranker.batch.max-queued-pairs", "10", "reranker.request-timeout", "1s", "reranker.api-keys",
                KEY + ",second-key", "reranker.max-pairs-per-request", "10", "reranker.chunking.max-chunks-limit", "5",
                "reranker.max-concurrent-requests", "3");
    }
}
