package dev.reranker.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import dev.reranker.tokenize.EncodedPair;

/**
 * The pairs of every request waiting to be computed, and the batches out for computing. Everything here is guarded
 * by one lock; jobs' futures are completed after it is released, because their callbacks (building HTTP responses)
 * must not run under it.
 *
 * <p>
 * A batch is cut when what waits would fill it, when the oldest pair has waited max-wait, or at once when no
 * admitted request is still being tokenized (nothing more is about to arrive, so waiting would only add latency).
 */
final class PairQueue {

    private final SchedulerSettings settings;
    private final SchedulerMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeSet<QueuedPair> byLength = new TreeSet<>(QueuedPair.BY_LENGTH);
    private final ArrayDeque<QueuedPair> arrivals = new ArrayDeque<>();
    /** Admitted requests whose pairs are still being tokenized: an atomic, announced without the lock. */
    private final AtomicLong announced = new AtomicLong();
    private long sequence;
    private long queuedTokens;
    private int queuedJobs;
    private int running;
    private boolean flushing;
    private boolean stopped;

    PairQueue(SchedulerSettings settings, SchedulerMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
    }

    /** An admitted request will bring pairs: batches may wait for them. */
    void announce() {
        announced.incrementAndGet();
    }

    /** An announced request's pairs are queued, or will never be. */
    void arrived() {
        if (announced.decrementAndGet() == 0) {
            wakeUp();
        }
    }

    /** Something a waiting worker or drain looks at changed outside the lock. */
    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Queues a request's pairs; its job fails at once when the queue has stopped. */
    ScoringJob add(Reservation reservation, BatchRunner runner, List<EncodedPair> pairs) {
        long tokens = 0;
        for (EncodedPair pair : pairs) {
            tokens += pair.length();
        }
        long now = System.nanoTime();
        ScoringJob job = new ScoringJob(this, runner, reservation, pairs.size(), tokens, now);
        List<Runnable> completions = new ArrayList<>(1);
        lock.lock();
        try {
            reservation.arrived();
            if (stopped) {
                finish(job, new SchedulerClosedException("the service is shutting down"), completions);
            } else if (pairs.isEmpty()) {
                finish(job, null, completions);
            } else {
                for (int i = 0; i < pairs.size(); i++) {
                    QueuedPair queued = new QueuedPair(job, i, pairs.get(i), sequence++, now);
                    job.queued.add(queued);
                    byLength.add(queued);
                    arrivals.add(queued);
                    queuedTokens += queued.length;
                }
                job.waiting = pairs.size();
                queuedJobs++;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
        return job;
    }

    void cancel(ScoringJob job, DropReason reason) {
        List<Runnable> completions = new ArrayList<>(1);
        lock.lock();
        try {
            if (job.finished) {
                return;
            }
            metrics.dropped(reason, dequeue(job));
            finish(job, new CancellationException("request cancelled"), completions);
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
    }

    JobTimings timings(ScoringJob job) {
        lock.lock();
        try {
            long queue = job.firstBatchAt == 0 ? System.nanoTime() - job.enqueuedAt : job.firstBatchAt - job.enqueuedAt;
            return new JobTimings(queue, job.inferenceNanos, job.tokens, job.batches);
        } finally {
            lock.unlock();
        }
    }

    int queuedPairs() {
        lock.lock();
        try {
            return byLength.size();
        } finally {
            lock.unlock();
        }
    }

    int queuedRequests() {
        lock.lock();
        try {
            return queuedJobs;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a batch should be cut and takes it out of the queue; null once stopped. */
    List<QueuedPair> take() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (stopped) {
                    return null;
                }
                QueuedPair head = oldest();
                if (head == null) {
                    changed.await();
                    continue;
                }
                long now = System.nanoTime();
                List<QueuedPair> batch = null;
                if (!settings.coalesces()) {
                    batch = BatchPlanner.wholeRequest(head.job, settings.maxPairs());
                } else if (flushing || announced.get() == 0 || wouldFill()
                        || head.enqueuedAt + settings.maxWaitNanos() <= now) {
                    batch = BatchPlanner.plan(byLength, head, settings.maxTokens(), settings.maxPairs(),
                            pair -> pair.job.runner == head.job.runner);
                }
                if (batch != null) {
                    remove(batch, now);
                    running++;
                    return batch;
                }
                changed.awaitNanos(head.enqueuedAt + settings.maxWaitNanos() - now);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A batch came back from its runner: each job gets its logits, or fails with {@code failure}; a job the failure
     * touches leaves the queue whole.
     */
    void complete(List<QueuedPair> batch, float[] logits, RuntimeException failure, long elapsedNanos) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            running--;
            ScoringJob last = null;
            for (int i = 0; i < batch.size(); i++) {
                QueuedPair queued = batch.get(i);
                ScoringJob job = queued.job;
                if (job.finished) {
                    continue;
                }
                if (job != last) {
                    job.inferenceNanos += elapsedNanos;
                    job.batches++;
                    last = job;
                }
                if (failure != null) {
                    metrics.dropped(DropReason.FAILED, dequeue(job));
                    finish(job, failure, completions);
                    continue;
                }
                job.logits[queued.position] = logits[i];
                job.reservation.computed(queued.length);
                if (--job.remaining == 0) {
                    finish(job, null, completions);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
    }

    /**
     * Cuts batches at once from now on (nothing new will come), and waits until nothing is reserved and no batch is
     * out, or the deadline passes.
     *
     * @return true when everything admitted was scored in time
     */
    boolean flush(long deadlineNanos, LongSupplier reserved) {
        lock.lock();
        try {
            flushing = true;
            changed.signalAll();
            while (reserved.getAsLong() > 0 || running > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                // Reservations are given back without the lock: look again every 50 ms even without a signal.
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return reserved.getAsLong() == 0 && running == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more work and fails every job still waiting; returns how many. */
    int stop() {
        Set<ScoringJob> abandoned = new LinkedHashSet<>();
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            stopped = true;
            for (QueuedPair pair : arrivals) {
                if (!pair.removed && !pair.job.finished) {
                    abandoned.add(pair.job);
                }
            }
            for (ScoringJob job : abandoned) {
                metrics.dropped(DropReason.SHUTDOWN, dequeue(job));
                finish(job, new SchedulerClosedException("the service stopped before this request was scored"),
                        completions);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
        return abandoned.size();
    }

    private boolean wouldFill() {
        return byLength.size() >= settings.maxPairs() || queuedTokens >= settings.maxTokens();
    }

    private QueuedPair oldest() {
        QueuedPair head = arrivals.peekFirst();
        while (head != null && head.removed) {
            arrivals.pollFirst();
            head = arrivals.peekFirst();
        }
        return head;
    }

    private void remove(List<QueuedPair> batch, long now) {
        for (QueuedPair pair : batch) {
            byLength.remove(pair);
            pair.removed = true;
            queuedTokens -= pair.length;
            ScoringJob job = pair.job;
            if (job.firstBatchAt == 0) {
                job.firstBatchAt = now;
                metrics.queueWait(now - job.enqueuedAt);
            }
            if (--job.waiting == 0) {
                queuedJobs--;
            }
        }
    }

    private int dequeue(ScoringJob job) {
        int dropped = 0;
        for (QueuedPair pair : job.queued) {
            if (!pair.removed) {
                byLength.remove(pair);
                pair.removed = true;
                queuedTokens -= pair.length;
                dropped++;
            }
        }
        if (job.waiting > 0) {
            job.waiting = 0;
            queuedJobs--;
        }
        return dropped;
    }

    /** Marks a job finished and gives back its capacity; the caller completes its future after the lock. */
    private void finish(ScoringJob job, Throwable failure, List<Runnable> completions) {
        job.finished = true;
        job.reservation.release();
        completions.add(failure == null ? () -> job.result.complete(job.logits)
                : () -> job.result.completeExceptionally(failure));
    }
}
