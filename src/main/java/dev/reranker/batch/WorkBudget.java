package dev.reranker.batch;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Admission by time: a request is taken when the estimated time to compute everything admitted and not yet computed,
 * plus its own, stays within max-queued-time (by default 80 % of reranker.request-timeout, the rest is left for
 * tokenizing, batching delays and the estimate's error). As the queue is served oldest first, an admitted request
 * then finishes in time unless the estimate was wrong. Otherwise it gets 429 at once with a Retry-After of the
 * estimated seconds until it would fit. Pairs held in memory are bounded apart by max-queued-pairs, a memory bound
 * only; a request that could not be taken even alone (more pairs than that, or, once the estimate rests on measured
 * batches, more work than max-queued-time) is refused as too large, since retrying would never help. A request
 * that arrives when nothing else is admitted is otherwise always taken: the estimate may be wrong (a warm-up on a
 * cold page cache, a noisy neighbour) and only computed batches correct it, so an empty queue never refuses on an
 * estimate alone.
 *
 * <p>
 * The load (pairs, tokens, closed) is one immutable value behind one atomic reference, so that closing and
 * reserving are ordered: once {@link #close()} returned no reservation succeeds, and a drain that sees nothing
 * reserved sees the last of it. While no model is calibrated the speed is unknown and only pairs are counted.
 *
 * <p>
 * The same value numbers busy periods (from the moment work is admitted while none was until none is left), which
 * the estimate times to learn the service's overhead around the model's compute.
 */
final class WorkBudget implements AdmissionControl {

    /** The gate's refusal, worded the same whichever bound is reached, so that clients see one message. */
    static final String FULL = "Model is overloaded: the queue is full; retry later";

    /** @param period busy periods begun so far; the current one while not empty */
    private record Load(long pairs, long tokens, boolean closed, long period) {

        boolean empty() {
            return pairs == 0 && tokens <= 0;
        }

        /** This load changed by {@code pairs} and {@code tokens}; a new busy period when it was empty. */
        Load plus(long pairs, long tokens) {
            Load next = new Load(this.pairs + pairs, this.tokens + tokens, closed, period);
            return empty() && !next.empty() ? new Load(next.pairs, next.tokens, closed, period + 1) : next;
        }
    }

    /** Batches after which the estimate is trusted to call a request too large on its own. */
    static final int MEASURED = 3;

    private final int maxPairs;
    private final long maxQueuedNanos;
    private final int workers;
    private final ThroughputEstimate estimate;
    private final AtomicReference<Load> load = new AtomicReference<>(new Load(0, 0, false, 0));
    /** System.nanoTime() at which the drain ends, once shutting down; what is admitted must be done by then. */
    private volatile long closesAt;
    private volatile boolean closing;

    WorkBudget(int maxPairs, long maxQueuedNanos, int workers, ThroughputEstimate estimate) {
        this.maxPairs = maxPairs;
        this.maxQueuedNanos = maxQueuedNanos;
        this.workers = Math.max(1, workers);
        this.estimate = estimate;
    }

    @Override
    public void reserve(int pairs, long tokens) {
        ThroughputEstimate.Speed speed = estimate.speed();
        alone(pairs, tokens, speed);
        while (true) {
            Load current = load.get();
            if (current.closed()) {
                throw new SchedulerClosedException("the service is shutting down");
            }
            refuseUnlessFits(current, pairs, tokens, speed, "this request");
            Load next = current.plus(pairs, tokens);
            if (load.compareAndSet(current, next)) {
                moved(current, next);
                return;
            }
        }
    }

    @Override
    public void resize(int pairs, long tokens, int newPairs, long newTokens) {
        ThroughputEstimate.Speed speed = estimate.speed();
        alone(newPairs, newTokens, speed);
        long extraPairs = (long) newPairs - pairs;
        long extraTokens = newTokens - tokens;
        while (true) {
            Load current = load.get();
            Load others = current.plus(-pairs, -tokens);
            // Only growth is checked: a request that turned out smaller than estimated always keeps its place.
            if (extraPairs > 0 || extraTokens > 0) {
                refuseUnlessFits(others, newPairs, newTokens, speed, "this request's documents");
            }
            Load next = current.plus(extraPairs, extraTokens);
            if (load.compareAndSet(current, next)) {
                moved(current, next);
                return;
            }
        }
    }

    @Override
    public void computed(long tokens) {
        change(0, -tokens);
    }

    @Override
    public void release(int pairs, long tokens) {
        change(-pairs, -tokens);
    }

    private void change(long pairs, long tokens) {
        while (true) {
            Load current = load.get();
            Load next = current.plus(pairs, tokens);
            if (load.compareAndSet(current, next)) {
                moved(current, next);
                return;
            }
        }
    }

    /** Tells the estimate when a busy period begins or ends (after the fact: it ignores a late, stale word). */
    private void moved(Load before, Load after) {
        if (before.empty() && !after.empty()) {
            estimate.busy(after.period());
        } else if (!before.empty() && after.empty()) {
            estimate.idle(after.period());
        }
    }

    @Override
    public OverloadedException saturated() {
        Load current = load.get();
        if (current.closed()) {
            return null;
        }
        ThroughputEstimate.Speed speed = estimate.speed();
        if (current.pairs() >= maxPairs) {
            return new OverloadedException(FULL, retryAfter(seconds(current.tokens(), speed)));
        }
        double queued = seconds(current.tokens(), speed);
        double budget = budget();
        if (speed.known() && queued >= budget) {
            return new OverloadedException(FULL, retryAfter(queued - budget));
        }
        return null;
    }

    @Override
    public long reserved() {
        return load.get().pairs();
    }

    @Override
    public double queuedSeconds() {
        return Math.max(0, seconds(load.get().tokens(), estimate.speed()));
    }

    @Override
    public void closesAt(long nanoTime) {
        closesAt = nanoTime;
        closing = true;
    }

    /** Seconds a request admitted now may wait: max-queued-time, or less once the drain's end is near. */
    private double budget() {
        double seconds = maxQueuedNanos / 1e9;
        if (closing) {
            seconds = Math.min(seconds, Math.max(0, (closesAt - System.nanoTime()) / 1e9));
        }
        return seconds;
    }

    @Override
    public void close() {
        load.updateAndGet(current -> new Load(current.pairs(), current.tokens(), true, current.period()));
    }

    /** Refuses what could never be admitted, however empty the queue. */
    private void alone(int pairs, long tokens, ThroughputEstimate.Speed speed) {
        if (pairs > maxPairs) {
            throw new RequestTooLargeException("this request makes " + pairs + " pairs (documents x windows), more"
                    + " than the " + maxPairs + " the service holds at once (reranker.batch.max-queued-pairs);"
                    + " send fewer documents");
        }
        double own = seconds(tokens, speed);
        if (speed.batches() >= MEASURED && own * 1e9 > maxQueuedNanos) {
            throw new RequestTooLargeException(String.format(Locale.ROOT, "this request needs an estimated %.1f s"
                    + " of compute (%d pairs, %d tokens), more than the %.1f s a request may take here"
                    + " (reranker.batch.max-queued-time, from reranker.request-timeout); send fewer or shorter"
                    + " documents", own, pairs, tokens, maxQueuedNanos / 1e9));
        }
    }

    private void refuseUnlessFits(Load current, int pairs, long tokens, ThroughputEstimate.Speed speed, String what) {
        if (current.empty()) {
            // Nothing else is admitted: see the class comment.
            return;
        }
        if (current.pairs() + pairs > maxPairs) {
            throw new OverloadedException("Model is overloaded: " + current.pairs() + " pairs are queued and " + what
                    + " adds " + pairs + " (limit " + maxPairs + " pairs); retry later",
                    retryAfter(seconds(current.tokens(), speed)));
        }
        double total = seconds(current.tokens() + tokens, speed);
        double budget = budget();
        if (speed.known() && total > budget) {
            double queued = seconds(current.tokens(), speed);
            throw new OverloadedException(String.format(Locale.ROOT, "Model is overloaded: the work queued takes an"
                    + " estimated %.1f s and %s %.1f s more (limit %.1f s, reranker.batch.max-queued-time); retry"
                    + " later", queued, what, total - queued, budget), retryAfter(total - budget));
        }
    }

    /** Estimated seconds to compute {@code tokens}; 0 while the speed is unknown (pairs alone bound the queue). */
    private double seconds(long tokens, ThroughputEstimate.Speed speed) {
        if (!speed.known() || tokens <= 0) {
            return 0;
        }
        return tokens * speed.secondsPerToken() / workers;
    }

    /** Whole seconds until {@code seconds} of work are done, at least one. */
    private static long retryAfter(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds));
    }
}
