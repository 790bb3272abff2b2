package dev.reranker.api;

import jakarta.enterprise.context.ApplicationScoped;

import dev.reranker.config.RerankerConfig;

/** reranker.admin.key. */
@ApplicationScoped
public class AdminKey {

    private final SecretKeys key;

    public AdminKey(RerankerConfig config) {
        this.key = SecretKeys.of(config.admin().key().stream().toList());
    }

    public boolean enabled() {
        return !key.isEmpty();
    }

    public boolean accepts(String presented) {
        return key.accepts(presented);
    }
}
