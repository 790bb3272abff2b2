package dev.reranker.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;

/** Configured secrets and the one way they are checked: in constant time, against every key. */
final class SecretKeys {

    private static final String BEARER = "bearer ";

    private final List<byte[]> keys;

    private SecretKeys(List<byte[]> keys) {
        this.keys = keys;
    }

    /** The non-blank keys of {@code configured}. */
    static SecretKeys of(Collection<String> configured) {
        return new SecretKeys(configured.stream().filter(k -> !k.isBlank())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList());
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    boolean accepts(String presented) {
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            // Every key is compared, in constant time, so timing reveals nothing.
            match |= MessageDigest.isEqual(key, bytes);
        }
        return match;
    }

    /** The token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), else null. */
    static String bearerToken(String header) {
        return header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())
                ? header.substring(BEARER.length()).trim()
                : null;
    }
}
