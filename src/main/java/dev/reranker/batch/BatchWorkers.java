package dev.reranker.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.reranker.tokenize.EncodedPair;

/**
 * The inference threads: each takes a batch from the queue, runs it on the batch's model outside the queue's lock,
 * and hands the logits (or the failure) back. Each worker owns its slot of {@link #runningSince}, which liveness
 * reads to find a batch stuck in the session.
 */
final class BatchWorkers {

    private static final Logger LOG = Logger.getLogger(BatchWorkers.class);

    private final PairQueue queue;
    private final SchedulerMetrics metrics;
    private final ThroughputEstimate estimate;
    private final LongSupplier clock;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLongArray runningSince;

    /** @param clock measures each batch's run time (nanoseconds); tests pass a clock their fake engine moves */
    BatchWorkers(int count, PairQueue queue, SchedulerMetrics metrics, ThroughputEstimate estimate,
            LongSupplier clock) {
        this.queue = queue;
        this.metrics = metrics;
        this.estimate = estimate;
        this.clock = clock;
        this.runningSince = new AtomicLongArray(count);
        for (int i = 0; i < count; i++) {
            int id = i;
            Thread worker = new Thread(() -> work(id), "reranker-infer-" + i);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
    }

    /** How long the longest batch still computing has been running; 0 when none is. */
    long longestRunningBatchNanos() {
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

    /** Waits a little for the workers to leave once the queue has stopped. */
    void join() {
        for (Thread worker : threads) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void work(int id) {
        while (true) {
            List<QueuedPair> batch;
            try {
                batch = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch == null) {
                return;
            }
            runningSince.set(id, System.nanoTime());
            try {
                compute(batch);
            } finally {
                runningSince.set(id, 0);
            }
        }
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
        long start = clock.getAsLong();
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
        long elapsed = clock.getAsLong() - start;
        if (failure == null) {
            metrics.batch(pairs.size(), (long) longest * pairs.size(), real, elapsed);
            estimate.batch(runner, pairs.size(), (long) longest * pairs.size(), real, elapsed);
        } else {
            metrics.failure();
            LOG.warnf("A batch of %d pairs failed: %s", pairs.size(), failure.getMessage());
        }
        queue.complete(batch, logits, failure, elapsed);
    }
}
