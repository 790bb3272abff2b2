package dev.reranker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** Serves one reference model with a given max-length and truncation. */
public abstract class ModelProfile implements QuarkusTestProfile {

    private final String model;
    private final int maxLength;
    private final String truncation;

    protected ModelProfile(String model, int maxLength, String truncation) {
        this.model = model;
        this.maxLength = maxLength;
        this.truncation = truncation;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("reranker.model.path", Reference.modelDir(model).toString(),
                "reranker.max-length", Integer.toString(maxLength),
                "reranker.truncation", truncation);
    }
}
