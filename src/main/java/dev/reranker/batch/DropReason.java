package dev.reranker.batch;

import java.util.Locale;

/** Why queued pairs were dropped before computing: the {@code reason} of reranker_pairs_dropped_total. */
public enum DropReason {
    /** The request passed reranker.request-timeout. */
    TIMEOUT,
    /** The client went away before its answer. */
    DISCONNECTED,
    /** Another batch of the same request failed, or the request failed otherwise. */
    FAILED,
    /** The service stopped before they were computed. */
    SHUTDOWN;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
