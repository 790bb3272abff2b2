package dev.reranker.batch;

import java.util.List;

import org.jboss.logging.Logger;

import dev.reranker.tokenize.EncodedPair;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One bounded queue of pairs from all requests, cut into length-grouped batches for the inference workers. Three
 * parts, each the one owner of its state: {@link AdmissionControl} decides what is taken (atomics only), the
 * {@link PairQueue} holds what waits (under its lock), the {@link BatchWorkers} compute.
 *
 * <p>
 * Back-pressure counts pairs: admission reserves a request's pairs and fails at once when the reserved total
 * would pass max-queued-pairs.
 */
public final class BatchScheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);

    private final AdmissionControl admission;
    private final PairQueue queue;
    private final BatchWorkers workers;

    public BatchScheduler(SchedulerSettings settings, MeterRegistry registry) {
        this.admission = new PairBudget(settings.maxQueuedPairs());
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        this.queue = new PairQueue(settings, metrics);
        this.workers = new BatchWorkers(settings.workers(), queue, metrics);
        SchedulerMetrics.gauges(registry, this::queuedPairs, this::queuedRequests, admission::reserved);
    }

    /**
     * Reserves room for a request's pairs.
     *
     * @throws OverloadedException when the queue is full; a request larger than the whole limit is still taken when
     *         nothing else is admitted, so that it can ever be served
     * @throws SchedulerClosedException when shutting down
     */
    public Reservation admit(int pairs) {
        admission.reserve(pairs);
        queue.announce();
        return new Reservation(admission, queue, pairs);
    }

    /**
     * Reserves room for more pairs of an admitted request (its documents split into windows).
     *
     * @throws OverloadedException when they do not fit beside what else is queued
     */
    public void extend(Reservation reservation, int extra) {
        reservation.extend(extra);
    }

    /**
     * Queues a request's pairs for scoring.
     *
     * @param reservation what {@link #admit} reserved for them
     * @param runner the model that computes them; pairs of different runners never share a batch
     */
    public ScoringJob submit(Reservation reservation, BatchRunner runner, List<EncodedPair> pairs) {
        return queue.add(reservation, runner, pairs);
    }

    public int queuedPairs() {
        return queue.queuedPairs();
    }

    public int queuedRequests() {
        return queue.queuedRequests();
    }

    /** True when no request can be admitted now: a cheap check before a request body is even parsed. */
    public boolean saturated() {
        return admission.saturated();
    }

    /** Pairs admitted and not yet scored, dropped or refused. */
    public long admittedPairs() {
        return admission.reserved();
    }

    /** How long the longest batch still computing has been running; 0 when none is. */
    public long longestRunningBatchNanos() {
        return workers.longestRunningBatchNanos();
    }

    /**
     * Stops taking requests and lets queued and running batches finish for up to {@code drainNanos}; the workers
     * keep running.
     *
     * @return true when everything admitted was scored in time
     */
    public boolean drain(long drainNanos) {
        long deadline = System.nanoTime() + drainNanos;
        admission.close();
        return queue.flush(deadline, admission::reserved);
    }

    /** Drains for up to {@code drainNanos} and stops the workers; nothing admitted is left hanging. */
    public void shutdown(long drainNanos) {
        boolean clean = drain(drainNanos);
        int abandoned = queue.stop();
        workers.join();
        if (!clean) {
            LOG.warnf("Stopped with work unfinished: %d requests failed", abandoned);
        }
    }

    @Override
    public void close() {
        shutdown(0);
    }
}
