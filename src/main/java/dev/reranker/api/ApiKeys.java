package dev.reranker.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.reranker.config.RerankerConfig;

/** The configured API keys (reranker.api-keys). */
@ApplicationScoped
public class ApiKeys {

    private final SecretKeys keys;

    public ApiKeys(RerankerConfig config) {
        this.keys = SecretKeys.of(config.apiKeys().orElse(List.of()));
    }

    public boolean required() {
        return !keys.isEmpty();
    }

    public boolean accepts(String presented) {
        return keys.accepts(presented);
    }
}
