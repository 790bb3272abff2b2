package dev.reranker.model.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Remembers which blobs hashed to their name, so that a start from a warm cache does not read gigabytes again: the
 * 2.27 GB of bge-reranker-v2-m3 take about 2.5 s to hash on 2 cores, half of a warm start. A stamp
 * {@code blobs/<etag>.verified} beside the blob records its size, modification time and file key (device and inode)
 * when it was hashed, at download or at a start; a blob that still matches its stamp is trusted, any write to it or a
 * copy of the cache elsewhere makes it hashed again. What this does not catch is a change that keeps size and time,
 * i.e. corruption below the file system, which no start-up check of a read-only volume is meant to find.
 */
final class VerifiedBlobs {

    private static final String SUFFIX = ".verified";

    private VerifiedBlobs() {
    }

    /** True when {@code blob} is unchanged since it was last found to hash to its name. */
    static boolean unchanged(Path blob) {
        try {
            return Files.readString(stamp(blob), StandardCharsets.US_ASCII).equals(describe(blob));
        } catch (IOException e) {
            return false; // no stamp yet, or the blob is gone
        }
    }

    /**
     * Records that {@code blob} hashed to its name just now. A cache that cannot be written (a read-only volume) keeps
     * working; it is only hashed at every start.
     */
    static void record(Path blob) {
        Path stamp = stamp(blob);
        Path tmp = stamp.resolveSibling(stamp.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.writeString(tmp, describe(blob), StandardCharsets.US_ASCII);
            HubCache.moveAtomically(tmp, stamp);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing was recorded, which only costs a hash at the next start
            }
        }
    }

    /** Forgets a blob's stamp, with the blob itself (eviction of a corrupt blob). */
    static void forget(Path blob) throws IOException {
        Files.deleteIfExists(stamp(blob));
    }

    private static Path stamp(Path blob) {
        return blob.resolveSibling(blob.getFileName() + SUFFIX);
    }

    private static String describe(Path blob) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(blob, BasicFileAttributes.class);
        return "size=" + attributes.size() + " mtime=" + attributes.lastModifiedTime().toInstant() + " key="
                + attributes.fileKey();
    }
}
