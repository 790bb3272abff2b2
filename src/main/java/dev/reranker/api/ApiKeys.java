package dev.reranker.api;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.reranker.config.RerankerConfig;

/** The configured API keys (reranker.api-keys) and the admin key (reranker.admin.key). */
@ApplicationScoped
class ApiKeys {

    private final SecretKeys keys;
    private final SecretKeys admin;

    ApiKeys(RerankerConfig config) {
        this.keys = SecretKeys.of(config.apiKeys().orElse(List.of()));
        this.admin = SecretKeys.of(config.admin().key().stream().toList());
    }

    boolean required() {
        return !keys.isEmpty();
    }

    boolean accepts(String presented) {
        return keys.accepts(presented);
    }

    /** Whether the admin routes exist at all. */
    boolean adminEnabled() {
        return !admin.isEmpty();
    }

    boolean acceptsAdmin(String presented) {
        return admin.accepts(presented);
    }
}
