package dev.reranker.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.reranker.tokenize.EncodedPair;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The scheduler with a runner whose "logit" is the pair's first id: where every pair went, and which
 * batches were cut, is visible exactly.
 */
class BatchSchedulerTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Records every batch; can hold the worker inside a batch until released. */
    static final class RecordingRunner implements BatchRunner {
        final List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile int failOnBatch = -1;

        @Override
        public float[] run(List<EncodedPair> pairs) {
            List<Integer> ids = new ArrayList<>();
            pairs.forEach(p -> ids.add(p.ids()[0]));
            int number = batches.size();
            batches.add(ids);
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (number == failOnBatch) {
                throw new IllegalStateException("injected failure");
            }
            float[] out = new float[pairs.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = pairs.get(i).ids()[0];
            }
            return out;
        }

        Set<Integer> computed() {
            Set<Integer> all = new HashSet<>();
            batches.forEach(all::addAll);
            return all;
        }
    }

    private BatchScheduler scheduler;

    private BatchScheduler start(int maxTokens, int maxPairs, long maxWaitNanos, int maxQueued) {
        scheduler = new BatchScheduler(new SchedulerSettings(maxTokens, maxPairs, maxWaitNanos, 1, maxQueued),
                new SimpleMeterRegistry());
        return scheduler;
    }

    @AfterEach
    void stop() {
        scheduler.shutdown(TimeUnit.SECONDS.toNanos(5));
    }

    /** A pair whose first id (and so its logit) is {@code id}, {@code length} tokens long. */
    static EncodedPair pair(int id, int length) {
        int[] ids = new int[length];
        ids[0] = id;
        return new EncodedPair(ids, new int[length]);
    }

    private ScoringJob submit(BatchRunner runner, List<EncodedPair> pairs) {
        return scheduler.submit(scheduler.admit(pairs.size()), runner, pairs);
    }

    @Test
    void aRequestSplitOverSeveralBatchesGetsItsScoresInOrder() throws Exception {
        start(10_000, 3, 5 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        List<EncodedPair> pairs = new ArrayList<>();
        float[] expected = new float[10];
        for (int i = 0; i < 10; i++) {
            // lengths out of order so that length grouping reorders them inside the scheduler
            pairs.add(pair(100 + i, 5 + (i * 7) % 10));
            expected[i] = 100 + i;
        }
        ScoringJob job = submit(runner, pairs);
        assertArrayEquals(expected, job.result().get(5, TimeUnit.SECONDS));
        assertEquals(4, runner.batches.size());
        runner.batches.forEach(b -> assertTrue(b.size() <= 3));
        assertEquals(4, job.timings().batches());
        assertEquals(pairs.stream().mapToInt(EncodedPair::length).sum(), job.timings().tokens());
    }

    @Test
    void pairsOfConcurrentRequestsShareBatchesAndKeepTheirOwnScores() throws Exception {
        start(10_000, 64, 50 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob first = submit(runner, List.of(pair(1, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        // While the worker is busy, two requests queue up; they go together in the next batch.
        ScoringJob a = submit(runner, List.of(pair(10, 8), pair(11, 9), pair(12, 8)));
        ScoringJob b = submit(runner, List.of(pair(20, 9), pair(21, 8)));
        runner.gate.countDown();
        assertArrayEquals(new float[] { 1 }, first.result().get(5, TimeUnit.SECONDS));
        assertArrayEquals(new float[] { 10, 11, 12 }, a.result().get(5, TimeUnit.SECONDS));
        assertArrayEquals(new float[] { 20, 21 }, b.result().get(5, TimeUnit.SECONDS));
        assertEquals(2, runner.batches.size());
        assertEquals(Set.of(10, 11, 12, 20, 21), new HashSet<>(runner.batches.get(1)));
    }

    @Test
    void withoutMaxWaitEveryBatchHoldsOneRequest() throws Exception {
        start(10_000, 64, 0, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob first = submit(runner, List.of(pair(1, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        ScoringJob a = submit(runner, List.of(pair(10, 8), pair(11, 9)));
        ScoringJob b = submit(runner, List.of(pair(20, 9), pair(21, 8)));
        runner.gate.countDown();
        a.result().get(5, TimeUnit.SECONDS);
        b.result().get(5, TimeUnit.SECONDS);
        first.result().get(5, TimeUnit.SECONDS);
        // Whole requests, in their own order, as a per-request wrapper would batch them.
        assertEquals(List.of(List.of(1), List.of(10, 11), List.of(20, 21)), runner.batches);
    }

    @Test
    void similarLengthsAreGroupedToKeepPaddingLow() throws Exception {
        start(10_000, 4, 50 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob first = submit(runner, List.of(pair(1, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        // Short and long pairs interleaved across two requests.
        ScoringJob a = submit(runner, List.of(pair(10, 10), pair(11, 100), pair(12, 11), pair(13, 101)));
        ScoringJob b = submit(runner, List.of(pair(20, 99), pair(21, 12), pair(22, 102), pair(23, 9)));
        runner.gate.countDown();
        first.result().get(5, TimeUnit.SECONDS);
        a.result().get(5, TimeUnit.SECONDS);
        b.result().get(5, TimeUnit.SECONDS);
        assertEquals(Set.of(10, 12, 21, 23), new HashSet<>(runner.batches.get(1)), "the oldest pair's neighbours");
        assertEquals(Set.of(11, 13, 20, 22), new HashSet<>(runner.batches.get(2)));
    }

    @Test
    void theTokenBudgetBoundsABatch() throws Exception {
        start(400, 64, 5 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        List<EncodedPair> pairs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pairs.add(pair(i, 100));
        }
        submit(runner, pairs).result().get(5, TimeUnit.SECONDS);
        runner.batches.forEach(b -> assertTrue(b.size() * 100 <= 400));
        assertEquals(3, runner.batches.size());
    }

    @Test
    void theOldestPairNeverStarvesBehindAStreamOfOthers() throws Exception {
        start(1_000, 4, 5 * MS, 10_000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob first = submit(runner, List.of(pair(1, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        ScoringJob old = submit(runner, List.of(pair(500, 200)));
        // Many later pairs of a very different length that would form better batches without it.
        List<ScoringJob> later = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            later.add(submit(runner, List.of(pair(1000 + i, 10), pair(2000 + i, 10))));
        }
        runner.gate.countDown();
        old.result().get(5, TimeUnit.SECONDS);
        first.result().get(5, TimeUnit.SECONDS);
        assertTrue(runner.batches.get(1).contains(500), "the oldest waiting pair rides in the next batch");
        for (ScoringJob job : later) {
            job.result().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void admissionRefusesPastTheQueueLimitAndRecoversAfterwards() throws Exception {
        start(10_000, 64, 5 * MS, 10);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        List<EncodedPair> ten = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ten.add(pair(i, 4));
        }
        ScoringJob held = submit(runner, ten);
        OverloadedException e = assertThrows(OverloadedException.class, () -> scheduler.admit(1));
        assertTrue(e.retryAfterSeconds() >= 1);
        assertTrue(e.getMessage().contains("10 pairs are queued"), e.getMessage());
        runner.gate.countDown();
        held.result().get(5, TimeUnit.SECONDS);
        assertEquals(0, scheduler.admittedPairs());
        // A request larger than the whole limit is refused even when the queue is empty: it is a memory bound, and
        // one request must not take all of it (it was once taken alone and held everyone else off).
        RequestTooLargeException tooLarge = assertThrows(RequestTooLargeException.class, () -> scheduler.admit(25));
        assertTrue(tooLarge.getMessage().contains("reranker.batch.max-queued-pairs"), tooLarge.getMessage());
        assertEquals(0, scheduler.admittedPairs());
        submit(runner, List.of(pair(1, 4))).result().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aCancelledRequestsPairsAreNotComputed() throws Exception {
        start(10_000, 64, 5 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob first = submit(runner, List.of(pair(1, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        ScoringJob cancelled = submit(runner, List.of(pair(66, 4), pair(67, 4)));
        ScoringJob kept = submit(runner, List.of(pair(70, 4)));
        assertEquals(3, scheduler.queuedPairs());
        cancelled.cancel(DropReason.DISCONNECTED);
        assertEquals(1, scheduler.queuedPairs());
        assertThrows(CancellationException.class, () -> cancelled.result().join());
        runner.gate.countDown();
        assertArrayEquals(new float[] { 70 }, kept.result().get(5, TimeUnit.SECONDS));
        first.result().get(5, TimeUnit.SECONDS);
        assertFalse(runner.computed().contains(66));
        assertFalse(runner.computed().contains(67));
        assertEquals(0, scheduler.admittedPairs());
    }

    @Test
    void aFailedBatchFailsOnlyItsRequests() throws Exception {
        start(10_000, 64, 5 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.failOnBatch = 0;
        ScoringJob failed = submit(runner, List.of(pair(1, 4), pair(2, 4)));
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.result().get(5, TimeUnit.SECONDS));
        assertEquals("injected failure", e.getCause().getMessage());
        assertArrayEquals(new float[] { 3 }, submit(runner, List.of(pair(3, 4))).result().get(5, TimeUnit.SECONDS));
        assertEquals(0, scheduler.admittedPairs());
    }

    @Test
    void shutdownFinishesWhatWasAcceptedAndRefusesTheRest() throws Exception {
        start(10_000, 2, 5 * MS, 1000);
        RecordingRunner runner = new RecordingRunner();
        runner.gate = new CountDownLatch(1);
        ScoringJob accepted = submit(runner, List.of(pair(1, 4), pair(2, 4), pair(3, 4)));
        assertTrue(runner.entered.await(5, TimeUnit.SECONDS));
        Thread release = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            runner.gate.countDown();
        });
        release.start();
        scheduler.shutdown(TimeUnit.SECONDS.toNanos(5));
        assertArrayEquals(new float[] { 1, 2, 3 }, accepted.result().getNow(null));
        assertThrows(SchedulerClosedException.class, () -> scheduler.admit(1));
        // Closed is not full: the HTTP layer must answer "shutting down" (503), not "retry later" (429).
        assertNull(scheduler.saturated());
    }
}
