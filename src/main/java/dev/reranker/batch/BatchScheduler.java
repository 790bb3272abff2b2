package dev.reranker.batch;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import dev.reranker.tokenize.EncodedPair;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One bounded queue of pairs from all requests, cut into length-grouped batches for the inference workers. Three
 * parts, each the one owner of its state: {@link AdmissionControl} decides what is taken (atomics only), the
 * {@link PairQueue} holds what waits (under its lock), the {@link BatchWorkers} compute.
 *
 * <p>
 * Back-pressure counts time: the scheduler owns a {@link ThroughputEstimate} of the served model, seeded by its
 * warm-up and moved by every batch, and admission refuses at once (429 with Retry-After) a request that would not be
 * computed within max-queued-time behind what is already admitted ({@link WorkBudget}).
 */
public final class BatchScheduler implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchScheduler.class);

    private final ThroughputEstimate estimate;
    private final AdmissionControl admission;
    private final PairQueue queue;
    private final BatchWorkers workers;
    private final Duration maxQueuedTime;

    public BatchScheduler(SchedulerSettings settings, MeterRegistry registry) {
        this(settings, registry, System::nanoTime);
    }

    /** @param clock times batches (nanoseconds): tests pass a clock that their fake engine moves */
    public BatchScheduler(SchedulerSettings settings, MeterRegistry registry, LongSupplier clock) {
        this.maxQueuedTime = Duration.ofNanos(settings.maxQueuedNanos());
        this.estimate = new ThroughputEstimate(settings.workers(), clock);
        this.admission = new WorkBudget(settings.maxQueuedPairs(), settings.maxQueuedNanos(), settings.workers(),
                estimate);
        SchedulerMetrics metrics = new SchedulerMetrics(registry);
        this.queue = new PairQueue(settings, metrics);
        this.workers = new BatchWorkers(settings.workers(), queue, metrics, estimate, clock);
        SchedulerMetrics.gauges(registry, this::queuedPairs, this::queuedRequests, admission::reserved,
                admission::queuedSeconds, () -> throughput().secondsPerToken(),
                () -> throughput().pairsPerSecond());
    }

    /** Reserves room for a request's pairs, without counting their time (tests of batching alone). */
    public Reservation admit(int pairs) {
        return admit(pairs, 0);
    }

    /**
     * Reserves room for a request: {@code pairs} pairs of {@code tokens} tokens in all (estimated before
     * tokenizing; {@link #resize} sets what tokenization found).
     *
     * @throws RequestTooLargeException when it could not be taken even with nothing else queued
     * @throws OverloadedException when it would not be computed within max-queued-time behind what is admitted, or
     *         its pairs do not fit max-queued-pairs beside the others'
     * @throws SchedulerClosedException when shutting down
     */
    public Reservation admit(int pairs, long tokens) {
        admission.reserve(pairs, tokens);
        queue.announce();
        return new Reservation(admission, queue, pairs, tokens);
    }

    /**
     * Replaces an admitted request's estimate by its real pairs and tokens, once tokenized.
     *
     * @throws RequestTooLargeException when it could not be taken even alone
     * @throws OverloadedException when it grew and no longer fits beside what else is admitted
     */
    public void resize(Reservation reservation, int pairs, long tokens) {
        reservation.resize(pairs, tokens);
    }

    /**
     * A model is served from now on: its speed is what its warm-up measured, and only its own batches move the
     * estimate. Called for every load, reload and swap.
     */
    public void calibrate(BatchRunner model, double secondsPerPaddedToken) {
        estimate.calibrate(model, secondsPerPaddedToken);
        LOG.debugf("Throughput estimate reset: %.3g s per padded token (warm-up)", secondsPerPaddedToken);
    }

    /** Shutting down: requests admitted from now on must be computed by {@code nanoTime} (System.nanoTime()). */
    public void closesAt(long nanoTime) {
        admission.closesAt(nanoTime);
    }

    /** No model is served (unloaded, idle): its speed says nothing about the next one. */
    public void forgetThroughput() {
        estimate.forget();
    }

    /** {@code chars} characters of a request for {@code model} made {@code tokens} tokens. */
    public void observeText(BatchRunner model, long chars, long tokens) {
        estimate.text(model, chars, tokens);
    }

    /** The estimated time of queued plus new work beyond which a request is refused. */
    public Duration maxQueuedTime() {
        return maxQueuedTime;
    }

    /** What the scheduler believes of the served model's speed, and of the work admitted. */
    public Throughput throughput() {
        ThroughputEstimate.Speed speed = estimate.speed();
        return new Throughput(speed.known(), speed.secondsPerPaddedToken(), speed.secondsPerToken(),
                speed.paddingRatio(), speed.tokensPerPair(), speed.charsPerToken(), speed.overheadRatio(),
                speed.batches(), admission.queuedSeconds());
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

    /**
     * Why no request can be admitted now (its Retry-After included), or null: a cheap check before a request body is
     * even parsed.
     */
    public OverloadedException saturated() {
        return admission.saturated();
    }

    /** Pairs admitted and not yet answered, dropped or refused. */
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
