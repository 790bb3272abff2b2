package dev.reranker.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One request's pairs inside the scheduler. Its future completes with a logit per pair in the
 * order the pairs were submitted, whatever batches they were computed in.
 */
public final class ScoringJob {

    final PairQueue queue;
    final BatchRunner runner;
    final Reservation reservation;
    final float[] logits;
    final List<QueuedPair> queued = new ArrayList<>();
    final CompletableFuture<float[]> result = new CompletableFuture<>();
    final long enqueuedAt;
    final long tokens;
    // Guarded by the queue's lock.
    int remaining;
    int waiting;
    boolean finished;
    long firstBatchAt;
    long inferenceNanos;
    int batches;

    ScoringJob(PairQueue queue, BatchRunner runner, Reservation reservation, int pairs, long tokens,
            long enqueuedAt) {
        this.queue = queue;
        this.runner = runner;
        this.reservation = reservation;
        this.logits = new float[pairs];
        this.remaining = pairs;
        this.tokens = tokens;
        this.enqueuedAt = enqueuedAt;
    }

    /**
     * Completes with the logits, or exceptionally when the batch failed, the job was cancelled or the scheduler closed.
     */
    public CompletableFuture<float[]> result() {
        return result;
    }

    /**
     * Drops the pairs still waiting, counted under {@code reason}; pairs already in a running batch finish but their
     * scores are discarded.
     */
    public void cancel(DropReason reason) {
        queue.cancel(this, reason);
    }

    /** Snapshot of where the time went; final once {@link #result()} completed. */
    public JobTimings timings() {
        return queue.timings(this);
    }
}
