package dev.reranker.lifecycle;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.reranker.batch.BatchRunner;
import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.ModelAdministration;
import dev.reranker.engine.ServingModel;
import dev.reranker.model.ModelFiles;
import dev.reranker.tokenize.EncodedPair;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusMock;

/**
 * For one test, the served model computes through a wrapper around its runner (holding batches, counting pairs,
 * failing on demand), and the real runner afterwards. Both swaps go through {@link ModelLifecycle}: a loader that
 * wraps the runner of what it loads replaces the real one for the test, and the current model is loaded again, so
 * the lifecycle retires and closes the models it replaced as it always does. The real session still computes every
 * score that is returned.
 */
public final class RunnerSwap implements AutoCloseable {

    private final ModelAdministration administration;
    private volatile boolean wrapping = true;
    public final AtomicInteger pairsComputed = new AtomicInteger();
    public final AtomicInteger batches = new AtomicInteger();
    public final AtomicInteger largestBatch = new AtomicInteger();
    /** Most distinct queries (so requests) seen in one batch: pairs of different requests shared it. */
    public final AtomicInteger mostQueriesInABatch = new AtomicInteger();
    public final CountDownLatch entered = new CountDownLatch(1);
    public volatile CountDownLatch gate = new CountDownLatch(0);
    /** When set, decides per batch whether it fails (returns the failure) or runs (returns null). */
    public volatile Function<List<EncodedPair>, RuntimeException> failure = pairs -> null;

    public RunnerSwap() {
        this.administration = Arc.container().instance(ModelAdministration.class).get();
        TestLoader.install().wrap = this::wrap;
        administration.load(Optional.empty(), Optional.empty());
    }

    private BatchRunner wrap(BatchRunner real) {
        return pairs -> {
            if (!wrapping) {
                return real.run(pairs);
            }
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
            Set<String> queries = new HashSet<>();
            for (EncodedPair pair : pairs) {
                // The query's tokens open every pair; different queries mean different requests.
                queries.add(Arrays.toString(Arrays.copyOf(pair.ids(), Math.min(6, pair.length()))));
            }
            mostQueriesInABatch.accumulateAndGet(queries.size(), Math::max);
            RuntimeException injected = failure.apply(pairs);
            if (injected != null) {
                throw injected;
            }
            pairsComputed.addAndGet(pairs.size());
            return real.run(pairs);
        };
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
        wrapping = false;
        TestLoader.install().wrap = Function.identity();
        administration.load(Optional.empty(), Optional.empty());
    }

    /**
     * The application's loader with two test hooks: the runner of what it loads can be wrapped, and a load can be
     * held at the door. Installed for the current test only (QuarkusMock), delegating to the real loader.
     */
    static final class TestLoader extends ModelLoader {

        private final ModelLoader real;
        volatile Function<BatchRunner, BatchRunner> wrap = Function.identity();
        volatile CountDownLatch admitLoad = new CountDownLatch(0);
        final CountDownLatch loadWaiting = new CountDownLatch(1);

        private TestLoader(ModelLoader real) {
            super(Arc.container().instance(RerankerConfig.class).get());
            this.real = real;
        }

        static TestLoader install() {
            ModelLoader current = ClientProxy.unwrap(Arc.container().instance(ModelLoader.class).get());
            TestLoader loader = current instanceof TestLoader installed ? installed : new TestLoader(current);
            QuarkusMock.installMockForType(loader, ModelLoader.class);
            return loader;
        }

        @Override
        public ModelFiles resolve() {
            return real.resolve();
        }

        @Override
        public ModelFiles resolve(Consumer<String> progress) {
            return real.resolve(progress);
        }

        @Override
        public ModelFiles resolveLocal(String path, Optional<String> file) {
            return real.resolveLocal(path, file);
        }

        @Override
        public LoadedModel load(ModelFiles files) {
            loadWaiting.countDown();
            try {
                if (!admitLoad.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never let the load go on");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoadedModel loaded = real.load(files);
            ServingModel serving = loaded.serving();
            return new LoadedModel(new ServingModel(serving.descriptor(), serving.tokenizer(),
                    wrap.apply(serving.runner())), loaded.scorer(), loaded.tokenizer(), loaded.unpackedDir());
        }
    }
}
