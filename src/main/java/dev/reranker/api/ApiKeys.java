package dev.reranker.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.reranker.config.RerankerConfig;

/** The configured API keys (reranker.api-keys), compared in constant time. */
@ApplicationScoped
public class ApiKeys {

    private final List<byte[]> keys;

    public ApiKeys(RerankerConfig config) {
        this.keys = config.apiKeys().orElse(List.of()).stream().filter(k -> !k.isBlank())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
    }

    public boolean required() {
        return !keys.isEmpty();
    }

    public boolean accepts(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            // Every key is compared, in constant time, so timing reveals nothing.
            match |= MessageDigest.isEqual(key, bytes);
        }
        return match;
    }
}
