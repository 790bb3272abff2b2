package dev.reranker.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a file against the name the Hub gives its blob. The Hub's ETag is the content's own hash: SHA-256 for
 * files stored in Git LFS, the Git blob id (SHA-1 over {@code "blob <size>\0"} and the bytes) for the others. So
 * every cached blob can be verified without asking the Hub anything.
 */
final class BlobDigest {

    private static final Pattern SHA256 = Pattern.compile("^[0-9a-f]{64}$");
    private static final Pattern GIT_SHA1 = Pattern.compile("^[0-9a-f]{40}$");

    /** What a blob name says about its content. */
    enum Kind {
        SHA256("sha256"),
        GIT_SHA1("git blob sha1");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private BlobDigest() {
    }

    /** The kind of hash an ETag is, or empty for ETags that are no content hash (some mirrors). */
    static Optional<Kind> kindOf(String etag) {
        if (SHA256.matcher(etag).matches()) {
            return Optional.of(Kind.SHA256);
        }
        if (GIT_SHA1.matcher(etag).matches()) {
            return Optional.of(Kind.GIT_SHA1);
        }
        return Optional.empty();
    }

    /**
     * The hash of {@code file} in the form {@code etag} uses, or empty when the ETag is no content hash.
     */
    static Optional<String> compute(Path file, String etag) throws IOException {
        Optional<Kind> kind = kindOf(etag);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        MessageDigest digest = newDigest(kind.get() == Kind.SHA256 ? "SHA-256" : "SHA-1");
        if (kind.get() == Kind.GIT_SHA1) {
            digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return Optional.of(HexFormat.of().formatHex(digest.digest()));
    }

    /** Empty when {@code file} matches {@code etag} (or the ETag cannot be checked), else the hash found. */
    static Optional<String> mismatch(Path file, String etag) throws IOException {
        return compute(file, etag).filter(actual -> !actual.equals(etag));
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }
}
