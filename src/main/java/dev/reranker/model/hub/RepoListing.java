package dev.reranker.model.hub;

import java.util.Map;
import java.util.OptionalLong;

/**
 * What one revision of a repository holds, from {@code GET /api/models/{id}/revision/{rev}?blobs=true}.
 *
 * @param commit the commit the revision resolved to ("sha")
 * @param files repository path ("rfilename") to size in bytes, when the Hub said ("size", else "lfs.size")
 */
record RepoListing(String commit, Map<String, OptionalLong> files) {
}
