package dev.reranker.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jboss.logging.Logger;

import dev.reranker.tokenize.EncodedPair;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One bounded queue of pairs from all requests, cut into length-grouped batches for the inference
 * workers.
 *
 * <p>A batch is cut when what waits would fill it, when the oldest pair has waited max-wait, or at once
 * when no admitted request is still being tokenized (nothing more is about to arrive, so waiting
 * would only add latency). While a worker computes, new pairs pile up and form the next batch.
 *
 * <p>Back-pressure counts pairs: admission reserves a request's pairs and fails at once when the
 * reserved total would pass max-queued-pairs.
 */
public final class BatchScheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);

    private final SchedulerSettings settings;
    private final SchedulerMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeSet<QueuedPair> byLength = new TreeSet<>(QueuedPair.BY_LENGTH);
    private final ArrayDeque<QueuedPair> arrivals = new ArrayDeque<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicLongArray runningSince;
    private final AtomicLong admitted = new AtomicLong();
    private final AtomicLong tokenizing = new AtomicLong();
    private long sequence;
    private long queuedTokens;
    private int queuedJobs;
    private int running;
    private boolean accepting = true;
    private boolean stopped;

    public BatchScheduler(SchedulerSettings settings, MeterRegistry registry) {
        this.settings = settings;
        this.metrics = new SchedulerMetrics(registry, this::queuedPairs, this::queuedRequests, admitted::get);
        this.runningSince = new AtomicLongArray(settings.workers());
        for (int i = 0; i < settings.workers(); i++) {
            int id = i;
            Thread worker = new Thread(() -> work(id), "reranker-infer-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
    }

    /**
     * Reserves room for a request's pairs.
     *
     * @throws OverloadedException when the queue is full; a request larger than the whole limit is still
     *         taken when nothing else is admitted, so that it can ever be served
     * @throws SchedulerClosedException when shutting down
     */
    public Admission admit(int pairs) {
        if (!accepting) {
            throw new SchedulerClosedException("the service is shutting down");
        }
        while (true) {
            long current = admitted.get();
            if (current > 0 && current + pairs > settings.maxQueuedPairs()) {
                throw new OverloadedException("Model is overloaded: " + current + " pairs are queued and this request adds "
                        + pairs + " (limit " + settings.maxQueuedPairs() + " pairs)", retryAfterSeconds(current));
            }
            if (admitted.compareAndSet(current, current + pairs)) {
                break;
            }
        }
        tokenizing.incrementAndGet();
        return new Admission(this, pairs);
    }

    /**
     * Reserves room for more pairs of an admitted request (its documents split into windows).
     *
     * @throws OverloadedException when they do not fit beside what else is queued
     */
    public void extend(Admission admission, int extra) {
        while (true) {
            long current = admitted.get();
            boolean alone = current == admission.pairs();
            if (!alone && current + extra > settings.maxQueuedPairs()) {
                throw new OverloadedException((admission.pairs() + extra) + " pairs while " + (current
                        - admission.pairs()) + " are queued (limit " + settings.maxQueuedPairs() + " pairs)",
                        retryAfterSeconds(current));
            }
            if (admitted.compareAndSet(current, current + extra)) {
                admission.grow(extra);
                return;
            }
        }
    }

    /**
     * Queues a request's pairs for scoring.
     *
     * @param admission what {@link #admit} reserved for them
     * @param runner    the model that computes them; pairs of different runners never share a batch
     */
    public ScoringJob submit(Admission admission, BatchRunner runner, List<EncodedPair> pairs) {
        long tokens = 0;
        for (EncodedPair pair : pairs) {
            tokens += pair.length();
        }
        long now = System.nanoTime();
        ScoringJob job = new ScoringJob(this, runner, admission, pairs.size(), tokens, now);
        List<Runnable> completions = new ArrayList<>(1);
        lock.lock();
        try {
            admission.leaveTokenization();
            if (stopped) {
                finish(job, new SchedulerClosedException("the service is shutting down"), completions);
                return job;
            }
            if (pairs.isEmpty()) {
                finish(job, null, completions);
                return job;
            }
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
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
        return job;
    }

    void cancel(ScoringJob job) {
        List<Runnable> completions = new ArrayList<>(1);
        lock.lock();
        try {
            if (job.finished) {
                return;
            }
            int dropped = dequeue(job);
            metrics.dropped(dropped);
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

    void release(int pairs) {
        admitted.addAndGet(-pairs);
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void tokenizationDone() {
        if (tokenizing.decrementAndGet() == 0) {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    public int queuedPairs() {
        lock.lock();
        try {
            return byLength.size();
        } finally {
            lock.unlock();
        }
    }

    public int queuedRequests() {
        lock.lock();
        try {
            return queuedJobs;
        } finally {
            lock.unlock();
        }
    }

    /** True when no request can be admitted now: a cheap check before a request body is even parsed. */
    public boolean saturated() {
        return admitted.get() >= settings.maxQueuedPairs();
    }

    /** Pairs admitted and not yet scored, dropped or refused. */
    public long admittedPairs() {
        return admitted.get();
    }

    /** How long the longest batch still computing has been running; 0 when none is. */
    public long longestRunningBatchNanos() {
        long now = System.nanoTime();
        long longest = 0;
        for (int i = 0; i < runningSince.length(); i++) {
            long since = runningSince.get(i);
            if (since != 0) {
                longest = Math.max(longest, now - since);
            }
        }
        return longest;
    }

    private void work(int id) {
        while (true) {
            List<QueuedPair> batch;
            lock.lock();
            try {
                batch = nextBatch();
                if (batch == null) {
                    return;
                }
                running++;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            runningSince.set(id, System.nanoTime());
            try {
                compute(batch);
            } finally {
                runningSince.set(id, 0);
                lock.lock();
                try {
                    running--;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** Waits until a batch should be cut and takes it out of the queue; null when stopped. Holds the lock. */
    private List<QueuedPair> nextBatch() throws InterruptedException {
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
            long waitLeft = head.enqueuedAt + settings.maxWaitNanos() - now;
            if (!settings.coalesces()) {
                List<QueuedPair> batch = BatchPlanner.wholeRequest(head.job, settings.maxPairs());
                take(batch, now);
                return batch;
            }
            if (tokenizing.get() == 0 || waitLeft <= 0 || wouldFill() || !accepting) {
                List<QueuedPair> batch = BatchPlanner.plan(byLength, head, settings.maxTokens(), settings.maxPairs(),
                        p -> p.job.runner == head.job.runner);
                take(batch, now);
                return batch;
            }
            changed.awaitNanos(waitLeft);
        }
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

    private void take(List<QueuedPair> batch, long now) {
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

    private void compute(List<QueuedPair> batch) {
        List<EncodedPair> pairs = new ArrayList<>(batch.size());
        int longest = 0;
        long real = 0;
        for (QueuedPair queued : batch) {
            pairs.add(queued.pair);
            longest = Math.max(longest, queued.length);
            real += queued.length;
        }
        BatchRunner runner = batch.get(0).job.runner;
        long start = System.nanoTime();
        float[] logits = null;
        RuntimeException failure = null;
        try {
            logits = runner.run(pairs);
            if (logits.length != pairs.size()) {
                failure = new IllegalStateException("the model returned " + logits.length + " scores for "
                        + pairs.size() + " pairs");
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            failure = new IllegalStateException("inference failed: " + e, e);
            LOG.error("Inference failed with an error", e);
        }
        long elapsed = System.nanoTime() - start;
        if (failure == null) {
            metrics.batch(pairs.size(), (long) longest * pairs.size(), real, elapsed);
        } else {
            metrics.failure();
            LOG.warnf("A batch of %d pairs failed: %s", pairs.size(), failure.getMessage());
        }
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            ScoringJob last = null;
            for (int i = 0; i < batch.size(); i++) {
                QueuedPair queued = batch.get(i);
                ScoringJob job = queued.job;
                if (job.finished) {
                    continue;
                }
                if (job != last) {
                    job.inferenceNanos += elapsed;
                    job.batches++;
                    last = job;
                }
                if (failure != null) {
                    dequeue(job);
                    finish(job, failure, completions);
                    continue;
                }
                job.logits[queued.position] = logits[i];
                if (--job.remaining == 0) {
                    finish(job, null, completions);
                }
            }
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
    }

    /**
     * Marks a job finished and gives back its capacity. Holds the lock; the future is completed by the
     * caller after releasing it, because its callbacks (building the HTTP response) must not run under it.
     */
    private void finish(ScoringJob job, Throwable failure, List<Runnable> completions) {
        job.finished = true;
        job.admission.release();
        completions.add(failure == null ? () -> job.result.complete(job.logits)
                : () -> job.result.completeExceptionally(failure));
    }

    /**
     * Stops taking requests, lets queued and running batches finish for up to {@code drainNanos}, then
     * fails whatever is left and stops the workers.
     *
     * @return true when everything admitted was scored in time
     */
    public boolean drain(long drainNanos) {
        long deadline = System.nanoTime() + drainNanos;
        accepting = false;
        lock.lock();
        try {
            changed.signalAll();
            while (admitted.get() > 0 || running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return admitted.get() == 0 && running == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Drains for up to {@code drainNanos} and stops the workers; nothing admitted is left hanging. */
    public void shutdown(long drainNanos) {
        boolean clean = drain(drainNanos);
        List<ScoringJob> abandoned = new ArrayList<>();
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            stopped = true;
            for (QueuedPair pair : arrivals) {
                if (!pair.removed && !pair.job.finished && !abandoned.contains(pair.job)) {
                    abandoned.add(pair.job);
                }
            }
            for (ScoringJob job : abandoned) {
                dequeue(job);
                finish(job, new SchedulerClosedException("the service stopped before this request was scored"),
                        completions);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
            completions.forEach(Runnable::run);
        }
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!clean) {
            LOG.warnf("Stopped with work unfinished: %d requests failed", abandoned.size());
        }
    }

    @Override
    public void close() {
        shutdown(0);
    }

    private long retryAfterSeconds(long queued) {
        // A rough guess that keeps clients from hammering: one second per full queue's worth of pairs.
        return Math.max(1, queued / Math.max(1, settings.maxQueuedPairs()));
    }
}
