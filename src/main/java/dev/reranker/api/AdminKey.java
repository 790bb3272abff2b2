package dev.reranker.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.reranker.config.RerankerConfig;

/** reranker.admin.key, compared in constant time. */
@ApplicationScoped
public class AdminKey {

    private final Optional<byte[]> key;

    public AdminKey(RerankerConfig config) {
        this.key = config.admin().key().filter(k -> !k.isBlank()).map(k -> k.getBytes(StandardCharsets.UTF_8));
    }

    public boolean enabled() {
        return key.isPresent();
    }

    public boolean accepts(String presented) {
        return key.isPresent() && MessageDigest.isEqual(key.get(), presented.getBytes(StandardCharsets.UTF_8));
    }
}
