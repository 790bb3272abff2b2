package dev.reranker.batch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission by pair count: a request is taken when the pairs already reserved plus its own stay within
 * max-queued-pairs. A request larger than the whole budget is still taken when nothing else is reserved, so that
 * it can ever be served.
 *
 * <p>
 * The reserved count and the closed flag share one atomic word, so that closing and reserving are ordered: once
 * {@link #close()} returned, no reservation can succeed, and a drain that sees zero pairs reserved sees the last of
 * them.
 */
final class PairBudget implements AdmissionControl {

    private static final long CLOSED = 1L << 62;

    private final int maxPairs;
    private final AtomicLong state = new AtomicLong();

    PairBudget(int maxPairs) {
        this.maxPairs = maxPairs;
    }

    @Override
    public void reserve(int pairs) {
        while (true) {
            long current = state.get();
            if ((current & CLOSED) != 0) {
                throw new SchedulerClosedException("the service is shutting down");
            }
            if (current > 0 && current + pairs > maxPairs) {
                throw new OverloadedException("Model is overloaded: " + current + " pairs are queued and this request"
                        + " adds " + pairs + " (limit " + maxPairs + " pairs)", retryAfterSeconds(current));
            }
            if (state.compareAndSet(current, current + pairs)) {
                return;
            }
        }
    }

    @Override
    public void extend(int held, int extra) {
        while (true) {
            long current = state.get();
            long pairs = current & ~CLOSED;
            boolean alone = pairs == held;
            if (!alone && pairs + extra > maxPairs) {
                throw new OverloadedException("Model is overloaded: this request's documents split into "
                        + (held + extra) + " pairs while " + (pairs - held) + " are queued (limit " + maxPairs
                        + " pairs)", retryAfterSeconds(pairs));
            }
            if (state.compareAndSet(current, current + extra)) {
                return;
            }
        }
    }

    @Override
    public void release(int pairs) {
        state.addAndGet(-pairs);
    }

    @Override
    public boolean saturated() {
        // Closed is not full: a request refused during a drain is told the service is shutting down (503), not to
        // come back later (429).
        return (state.get() & ~CLOSED) >= maxPairs;
    }

    @Override
    public long reserved() {
        return state.get() & ~CLOSED;
    }

    @Override
    public void close() {
        state.getAndUpdate(current -> current | CLOSED);
    }

    private long retryAfterSeconds(long queued) {
        // A rough guess that keeps clients from hammering: one second per full queue's worth of pairs.
        return Math.max(1, queued / Math.max(1, maxPairs));
    }
}
