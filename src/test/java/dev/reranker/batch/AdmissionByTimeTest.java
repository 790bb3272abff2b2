package dev.reranker.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.reranker.tokenize.EncodedPair;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Admission by time against a fake engine of known speed: each batch moves a controllable clock by exactly
 * {@code nanosPerToken} per padded token, so the throughput estimate, the admission boundary and Retry-After are
 * exact numbers.
 */
class AdmissionByTimeTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** The clock the scheduler times batches with; only the fake engine moves it. */
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    /** Computes a batch "in" pairs x longest x nanosPerToken of the fake clock; can be held at the door. */
    final class FakeEngine implements BatchRunner {
        volatile long nanosPerToken;
        /** When positive, the next batch takes this much longer (a garbage-collection pause, a noisy neighbour). */
        volatile long stall;
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch entered = new CountDownLatch(1);
        final Set<Integer> computed = Collections.synchronizedSet(new HashSet<>());
        final AtomicLong batches = new AtomicLong();

        FakeEngine(long nanosPerToken) {
            this.nanosPerToken = nanosPerToken;
        }

        @Override
        public float[] run(List<EncodedPair> pairs) {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int longest = 0;
            float[] out = new float[pairs.size()];
            for (int i = 0; i < out.length; i++) {
                longest = Math.max(longest, pairs.get(i).length());
                out[i] = pairs.get(i).ids()[0];
                computed.add(pairs.get(i).ids()[0]);
            }
            clock.addAndGet((long) longest * pairs.size() * nanosPerToken + stall);
            stall = 0;
            batches.incrementAndGet();
            return out;
        }
    }

    private BatchScheduler scheduler;
    private SimpleMeterRegistry registry;

    private BatchScheduler start(long maxQueuedNanos, int maxQueuedPairs) {
        registry = new SimpleMeterRegistry();
        // One pair per batch and no waiting: every pair is one measured batch.
        scheduler = new BatchScheduler(new SchedulerSettings(10_000, 1, 1, 1, maxQueuedPairs, maxQueuedNanos),
                registry, clock::get);
        return scheduler;
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.shutdown(TimeUnit.SECONDS.toNanos(5));
        }
    }

    private static List<EncodedPair> pairs(int first, int count, int length) {
        List<EncodedPair> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] ids = new int[length];
            ids[0] = first + i;
            out.add(new EncodedPair(ids, new int[length]));
        }
        return out;
    }

    private ScoringJob submit(BatchRunner runner, List<EncodedPair> pairs) {
        long tokens = pairs.stream().mapToLong(EncodedPair::length).sum();
        return scheduler.submit(scheduler.admit(pairs.size(), tokens), runner, pairs);
    }

    private double dropped(String reason) {
        return registry.get("reranker.pairs.dropped").tag("reason", reason).counter().count();
    }

    @Test
    void theEstimateConvergesFromAWrongSeedAndIgnoresOneSlowBatch() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine engine = new FakeEngine(MS);
        // The warm-up said three times slower than the truth.
        scheduler.calibrate(engine, 3e-3);
        assertEquals(3e-3, scheduler.throughput().secondsPerToken(), 1e-12);
        for (int i = 0; i < 10; i++) {
            submit(engine, pairs(i, 1, 50)).result().get(5, TimeUnit.SECONDS);
        }
        Throughput after = scheduler.throughput();
        assertEquals(10, after.batches());
        assertEquals(1e-3, after.secondsPerToken(), 0.2e-3, "within 20 % after ten batches");
        assertEquals(20.0, after.pairsPerSecond(), 4.0, "50-token pairs at 1 ms per token");
        assertEquals(50.0, after.tokensPerPair(), 1e-9);
        // One batch ten times slower does not move it at all (median of the last three).
        double before = scheduler.throughput().secondsPerToken();
        engine.stall = 500 * MS;
        submit(engine, pairs(100, 1, 50)).result().get(5, TimeUnit.SECONDS);
        assertEquals(before, scheduler.throughput().secondsPerToken(), before * 0.05);
        // A lasting change of speed is followed.
        engine.nanosPerToken = 2 * MS;
        for (int i = 0; i < 12; i++) {
            submit(engine, pairs(200 + i, 1, 50)).result().get(5, TimeUnit.SECONDS);
        }
        assertEquals(2e-3, scheduler.throughput().secondsPerToken(), 0.2e-3);
    }

    @Test
    void aNewModelStartsFromItsOwnSeedAndTheOldOnesBatchesNoLongerCount() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine old = new FakeEngine(MS);
        scheduler.calibrate(old, MS / 1e9);
        old.gate = new CountDownLatch(1);
        ScoringJob draining = submit(old, pairs(1, 3, 50));
        assertTrue(old.entered.await(5, TimeUnit.SECONDS));
        // Hot swap (or reload on another precision): the new model's warm-up is the estimate now.
        FakeEngine next = new FakeEngine(5 * MS);
        scheduler.calibrate(next, 5e-3);
        old.gate.countDown();
        draining.result().get(5, TimeUnit.SECONDS);
        assertEquals(5e-3, scheduler.throughput().secondsPerToken(), 1e-12, "the old model's batches are ignored");
        assertEquals(0, scheduler.throughput().batches());
        // Unloaded (on request or idle): nothing is known, admission counts pairs only.
        scheduler.forgetThroughput();
        assertFalse(scheduler.throughput().known());
        scheduler.admit(1, 1_000_000_000L).release();
    }

    @Test
    void admissionAndRetryAfterAtTheBoundary() throws Exception {
        // 10 s of queued work at 10 ms per token: 1000 tokens.
        start(TimeUnit.SECONDS.toNanos(10), 10_000);
        FakeEngine engine = new FakeEngine(10 * MS);
        scheduler.calibrate(engine, 10e-3);
        engine.gate = new CountDownLatch(1);
        ScoringJob first = submit(engine, pairs(1, 6, 100)); // 600 tokens: 6 s
        assertTrue(engine.entered.await(5, TimeUnit.SECONDS));
        ScoringJob second = submit(engine, pairs(10, 3, 100)); // 300 tokens: 9 s in all
        assertEquals(9.0, scheduler.throughput().queuedSeconds(), 1e-9);
        // Exactly at the bound: admitted.
        Reservation exact = scheduler.admit(1, 100);
        exact.release();
        // One token past it: refused at once, and told to come back in a second.
        OverloadedException justOver = assertThrows(OverloadedException.class, () -> scheduler.admit(1, 101));
        assertEquals(1, justOver.retryAfterSeconds());
        // 9 s queued + 3.5 s of its own = 12.5 s: it fits in 2.5 s, so Retry-After is 3.
        OverloadedException over = assertThrows(OverloadedException.class, () -> scheduler.admit(1, 350));
        assertEquals(3, over.retryAfterSeconds());
        assertTrue(over.getMessage().contains("9.0 s") && over.getMessage().contains("3.5 s more"), over.getMessage());
        // More than the whole budget: not now, in any case.
        assertThrows(OverloadedException.class, () -> scheduler.admit(1, 1001));
        // Not full yet for the gate (9 s < 10 s); after one more second of work it is, with its Retry-After.
        assertNull(scheduler.saturated());
        Reservation filler = scheduler.admit(1, 100);
        OverloadedException full = scheduler.saturated();
        assertNotNull(full);
        assertEquals(1, full.retryAfterSeconds());
        filler.release();
        // As batches are computed their time is given back: after the first request's six, 3 s are queued.
        engine.gate.countDown();
        first.result().get(5, TimeUnit.SECONDS);
        second.result().get(5, TimeUnit.SECONDS);
        assertEquals(0.0, scheduler.throughput().queuedSeconds(), 1e-9);
        assertEquals(0, scheduler.admittedPairs());
        assertEquals(10e-3, scheduler.throughput().secondsPerToken(), 1e-12);
        scheduler.admit(1, 1000).release();
        // Measured over nine batches now: more than the whole budget even alone is too large, not "later".
        assertThrows(RequestTooLargeException.class, () -> scheduler.admit(1, 1001));
    }

    @Test
    void anEmptyQueueTakesARequestOnAnUnmeasuredEstimateSoThatBatchesCanCorrectIt() throws Exception {
        start(TimeUnit.SECONDS.toNanos(10), 10_000);
        FakeEngine engine = new FakeEngine(MS);
        // A warm-up on a cold page cache: fifty times too slow.
        scheduler.calibrate(engine, 50e-3);
        // 400 tokens "take" 20 s by the seed: still taken, since nothing else is admitted.
        ScoringJob first = submit(engine, pairs(1, 4, 100));
        assertArrayEquals(new float[] { 1, 2, 3, 4 }, first.result().get(5, TimeUnit.SECONDS));
        // Four batches later the estimate is far closer to 1 ms per token than to the seed.
        assertTrue(scheduler.throughput().secondsPerToken() < 25e-3, scheduler.throughput().toString());
    }

    /**
     * One busy period: a request admitted, {@code overheadMs} of the clock spent before its pairs are queued (as
     * parsing and tokenizing would), then computed. Its period ends when it is answered.
     */
    private void period(FakeEngine engine, int first, int pairs, int length, long overheadMs) throws Exception {
        List<EncodedPair> encoded = pairs(first, pairs, length);
        Reservation reservation = scheduler.admit(pairs, (long) pairs * length);
        clock.addAndGet(overheadMs * MS);
        scheduler.submit(reservation, engine, encoded).result().get(5, TimeUnit.SECONDS);
    }

    @Test
    void theOverheadRatioIsLearntFromBusyPeriodsAndMultipliesTheComputeTime() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine engine = new FakeEngine(MS);
        scheduler.calibrate(engine, 1e-3);
        assertEquals(1.0, scheduler.throughput().overheadRatio(), "nothing seen: the compute alone");
        // Four batches of 50 ms of compute in a period of 100 + 200 ms: 1.5, the first period replaces the 1.
        period(engine, 0, 4, 50, 100);
        assertEquals(1.5, scheduler.throughput().overheadRatio(), 1e-12);
        assertEquals(1.5e-3, scheduler.throughput().secondsPerToken(), 1e-12);
        assertEquals(1.0 / (1.5e-3 * 50), scheduler.throughput().pairsPerSecond(), 1e-9);
        // A period of 3.0 (400 ms of overhead around 200 of compute) moves it as 4/3 samples of weight 0.3 would.
        period(engine, 10, 4, 50, 400);
        double weight = 1 - Math.pow(0.7, 4.0 / 3);
        assertEquals(1.5 + weight * 1.5, scheduler.throughput().overheadRatio(), 1e-12);
        for (int i = 0; i < 12; i++) {
            period(engine, 100 + 10 * i, 4, 50, 400);
        }
        assertEquals(3.0, scheduler.throughput().overheadRatio(), 0.01, "converged");
        // One or two batches are one request's latency, not a backlog's: they do not move it.
        double before = scheduler.throughput().overheadRatio();
        period(engine, 300, 2, 50, 5_000);
        assertEquals(before, scheduler.throughput().overheadRatio(), 1e-12);
        // No overhead at all: the ratio comes down, never below 1.
        for (int i = 0; i < 20; i++) {
            period(engine, 400 + 10 * i, 4, 50, 0);
        }
        assertEquals(1.0, scheduler.throughput().overheadRatio(), 0.01);
        assertTrue(scheduler.throughput().overheadRatio() >= 1.0);
        assertEquals(34 * 4 + 2, scheduler.throughput().batches());
    }

    @Test
    void theOverheadRatioNeverFallsBelowOne() {
        AtomicLong time = new AtomicLong();
        ThroughputEstimate estimate = new ThroughputEstimate(1, time::get);
        BatchRunner model = pairs -> new float[pairs.size()];
        estimate.calibrate(model, 1e-3);
        estimate.busy(1);
        // Three batches said to take 100 ms each in a period of 150 ms of the clock (a clock coarser than the
        // batches, or batches timed on another clock): no overhead, not a negative one.
        for (int i = 0; i < 3; i++) {
            estimate.batch(model, 1, 100, 100, 100 * MS);
        }
        time.addAndGet(150 * MS);
        estimate.idle(1);
        assertEquals(1.0, estimate.speed().overheadRatio());
        // A late word of a period already ended does not open it again; the next one is measured.
        estimate.busy(1);
        for (int i = 0; i < 3; i++) {
            estimate.batch(model, 1, 100, 100, 100 * MS);
        }
        time.addAndGet(10_000 * MS);
        estimate.idle(1);
        assertEquals(1.0, estimate.speed().overheadRatio());
        estimate.busy(2);
        for (int i = 0; i < 3; i++) {
            estimate.batch(model, 1, 100, 100, 100 * MS);
        }
        time.addAndGet(600 * MS);
        estimate.idle(2);
        // A sample of 2.0 from three batches: weight 0.3.
        assertEquals(1.3, estimate.speed().overheadRatio(), 1e-12);
    }

    @Test
    void theOverheadRatioStartsOverWithEveryModelAndAPeriodAcrossTheChangeIsNotMeasured() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine old = new FakeEngine(MS);
        scheduler.calibrate(old, 1e-3);
        period(old, 0, 4, 50, 200);
        assertEquals(2.0, scheduler.throughput().overheadRatio(), 1e-12);
        // Reload or hot swap: the new model's own warm-up, and no overhead known yet.
        FakeEngine next = new FakeEngine(MS);
        scheduler.calibrate(next, 1e-3);
        assertEquals(1.0, scheduler.throughput().overheadRatio());
        assertEquals(1e-3, scheduler.throughput().secondsPerToken(), 1e-12);
        // A period that began before a swap holds time of the old model: it says nothing of the new one's overhead.
        Reservation early = scheduler.admit(4, 200);
        clock.addAndGet(1_000 * MS);
        FakeEngine third = new FakeEngine(MS);
        scheduler.calibrate(third, 1e-3);
        scheduler.submit(early, third, pairs(10, 4, 50)).result().get(5, TimeUnit.SECONDS);
        assertEquals(1.0, scheduler.throughput().overheadRatio());
        period(third, 20, 4, 50, 100);
        assertEquals(1.5, scheduler.throughput().overheadRatio(), 1e-12);
        // Unloaded: nothing is known.
        scheduler.forgetThroughput();
        assertTrue(Double.isNaN(scheduler.throughput().overheadRatio()));
    }

    @Test
    void admissionCountsTheOverheadAtTheBoundary() throws Exception {
        // 10 s of queued work; 10 ms of compute per token, and as much again around it: 20 ms per token, 500 tokens.
        start(TimeUnit.SECONDS.toNanos(10), 10_000);
        FakeEngine engine = new FakeEngine(10 * MS);
        scheduler.calibrate(engine, 10e-3);
        period(engine, 0, 4, 100, 4_000);
        assertEquals(2.0, scheduler.throughput().overheadRatio(), 1e-12);
        assertEquals(20e-3, scheduler.throughput().secondsPerToken(), 1e-12);
        engine.gate = new CountDownLatch(1);
        ScoringJob running = submit(engine, pairs(10, 1, 100)); // 2 s
        ScoringJob queued = submit(engine, pairs(20, 3, 100)); // 6 s more: 8 s
        assertEquals(8.0, scheduler.throughput().queuedSeconds(), 1e-9);
        // Exactly at the bound (8 s + 100 tokens x 20 ms): admitted.
        scheduler.admit(1, 100).release();
        // One token past it: refused, although the compute alone (5.01 s) would fit twice.
        OverloadedException over = assertThrows(OverloadedException.class, () -> scheduler.admit(1, 101));
        assertEquals(1, over.retryAfterSeconds());
        assertTrue(over.getMessage().contains("8.0 s") && over.getMessage().contains("2.0 s more"), over.getMessage());
        // Alone, 501 tokens (10.02 s) are more than a request may take here, once the estimate rests on batches.
        assertThrows(RequestTooLargeException.class, () -> scheduler.admit(1, 501));
        engine.gate.countDown();
        running.result().get(5, TimeUnit.SECONDS);
        queued.result().get(5, TimeUnit.SECONDS);
        assertEquals(0, scheduler.admittedPairs());
    }

    @Test
    void thePairsOfTimedOutAndDisconnectedRequestsAreNeverComputed() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine engine = new FakeEngine(MS);
        scheduler.calibrate(engine, 1e-3);
        engine.gate = new CountDownLatch(1);
        ScoringJob running = submit(engine, pairs(1, 1, 10));
        assertTrue(engine.entered.await(5, TimeUnit.SECONDS));
        ScoringJob timedOut = submit(engine, pairs(100, 4, 10));
        ScoringJob disconnected = submit(engine, pairs(200, 3, 10));
        ScoringJob kept = submit(engine, pairs(300, 2, 10));
        assertEquals(0.1, scheduler.throughput().queuedSeconds(), 1e-9);
        timedOut.cancel(DropReason.TIMEOUT);
        disconnected.cancel(DropReason.DISCONNECTED);
        // Their time is given back at once: only the running batch and the kept request remain ahead.
        assertEquals(0.03, scheduler.throughput().queuedSeconds(), 1e-9);
        engine.gate.countDown();
        running.result().get(5, TimeUnit.SECONDS);
        assertArrayEquals(new float[] { 300, 301 }, kept.result().get(5, TimeUnit.SECONDS));
        for (int id = 100; id < 104; id++) {
            assertFalse(engine.computed.contains(id), "pair " + id + " of the timed-out request was computed");
        }
        for (int id = 200; id < 203; id++) {
            assertFalse(engine.computed.contains(id), "pair " + id + " of the departed client was computed");
        }
        assertEquals(4.0, dropped("timeout"));
        assertEquals(3.0, dropped("disconnected"));
        assertEquals(3, engine.batches.get());
    }

    @Test
    void aRequestCancelledWhileItsBatchRunsLetsThatBatchFinishAndNothingMoreStarts() throws Exception {
        start(Long.MAX_VALUE, 10_000);
        FakeEngine engine = new FakeEngine(MS);
        scheduler.calibrate(engine, 1e-3);
        engine.gate = new CountDownLatch(1);
        ScoringJob job = submit(engine, pairs(1, 3, 10));
        assertTrue(engine.entered.await(5, TimeUnit.SECONDS));
        job.cancel(DropReason.TIMEOUT);
        assertEquals(0, scheduler.queuedPairs(), "nothing of it waits any more");
        engine.gate.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.batches.get() < 1 && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        // The running batch (one pair) finished; the two waiting pairs never started.
        scheduler.drain(TimeUnit.SECONDS.toNanos(5));
        assertEquals(Set.of(1), engine.computed);
        assertEquals(1, engine.batches.get());
        assertEquals(2.0, dropped("timeout"));
        assertEquals(0, scheduler.admittedPairs());
    }
}
