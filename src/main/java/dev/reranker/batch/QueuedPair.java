package dev.reranker.batch;

import java.util.Comparator;

import dev.reranker.tokenize.EncodedPair;

/** A pair waiting in the queue, remembering whose it is and where its score goes. */
final class QueuedPair {

    /** Shortest first; among equal lengths, oldest first. */
    static final Comparator<QueuedPair> BY_LENGTH = Comparator.<QueuedPair> comparingInt(p -> p.length)
            .thenComparingLong(p -> p.sequence);

    final ScoringJob job;
    final int position;
    final EncodedPair pair;
    final int length;
    final long sequence;
    final long enqueuedAt;
    boolean removed;

    QueuedPair(ScoringJob job, int position, EncodedPair pair, long sequence, long enqueuedAt) {
        this.job = job;
        this.position = position;
        this.pair = pair;
        this.length = pair.length();
        this.sequence = sequence;
        this.enqueuedAt = enqueuedAt;
    }
}
