package dev.reranker.model.hub;

import java.net.URI;
import java.util.OptionalLong;

/**
 * One file of a commit, from {@code HEAD {endpoint}/{id}/resolve/{commit}/{path}} as huggingface_hub reads it.
 *
 * @param etag the blob name: X-Linked-Etag (sha256 of an LFS file) or ETag (git blob id), unquoted
 * @param size X-Linked-Size, else Content-Length
 * @param location where to GET the bytes: the CDN URL of a redirect, else the resolve URL itself
 * @param sameHost whether location is on the Hub's own host, so the token may travel with the request
 */
record FileMetadata(String etag, OptionalLong size, URI location, boolean sameHost) {
}
