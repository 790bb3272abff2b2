package dev.reranker.support;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.reranker.batch.BatchRunner;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServingModel;
import dev.reranker.tokenize.EncodedPair;

/**
 * Puts a wrapper around the served model's runner for one test (holding batches, counting pairs,
 * failing on demand) and puts the real one back afterwards. The real session still computes every
 * score that is returned.
 */
public final class RunnerSwap implements AutoCloseable {

    private final ModelSlot slot;
    private final ServingModel original;
    public final AtomicInteger pairsComputed = new AtomicInteger();
    public final AtomicInteger batches = new AtomicInteger();
    public final AtomicInteger largestBatch = new AtomicInteger();
    /** Most distinct queries (so requests) seen in one batch: pairs of different requests shared it. */
    public final AtomicInteger mostQueriesInABatch = new AtomicInteger();
    public final CountDownLatch entered = new CountDownLatch(1);
    public volatile CountDownLatch gate = new CountDownLatch(0);
    /** When set, decides per batch whether it fails (returns the failure) or runs (returns null). */
    public volatile Function<List<EncodedPair>, RuntimeException> failure = pairs -> null;

    public RunnerSwap(ModelSlot slot) {
        this.slot = slot;
        this.original = slot.model().orElseThrow();
        BatchRunner real = original.runner();
        slot.serve(new ServingModel(original.descriptor(), original.tokenizer(), pairs -> {
            entered.countDown();
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("test gate never opened");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.incrementAndGet();
            largestBatch.accumulateAndGet(pairs.size(), Math::max);
            java.util.Set<String> queries = new java.util.HashSet<>();
            for (EncodedPair pair : pairs) {
                // The query's tokens open every pair; different queries mean different requests.
                queries.add(java.util.Arrays.toString(java.util.Arrays.copyOf(pair.ids(), Math.min(6, pair.length()))));
            }
            mostQueriesInABatch.accumulateAndGet(queries.size(), Math::max);
            RuntimeException injected = failure.apply(pairs);
            if (injected != null) {
                throw injected;
            }
            pairsComputed.addAndGet(pairs.size());
            return real.run(pairs);
        }));
    }

    /** Holds every batch at the door until {@link #open()}. */
    public RunnerSwap hold() {
        gate = new CountDownLatch(1);
        return this;
    }

    public void open() {
        gate.countDown();
    }

    @Override
    public void close() {
        open();
        slot.serve(original);
    }
}
