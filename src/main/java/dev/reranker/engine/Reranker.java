package dev.reranker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.reranker.batch.Admission;
import dev.reranker.batch.BatchScheduler;
import dev.reranker.batch.JobTimings;
import dev.reranker.batch.OverloadedException;
import dev.reranker.batch.SchedulerClosedException;
import dev.reranker.batch.ScoringJob;
import dev.reranker.config.LongDocuments;
import dev.reranker.config.RerankerConfig;
import dev.reranker.tokenize.DocumentWindow;
import dev.reranker.tokenize.EncodedPair;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.InputTooLongException;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;
import dev.reranker.tokenize.TokenizationException;

/**
 * The engine's facade: validate, tokenize (on its own pool), queue the pairs, gather the scores,
 * order them. Knows nothing of HTTP.
 */
@ApplicationScoped
public class Reranker {

    /** Documents one tokenization task takes; larger requests are tokenized in parallel slices. */
    private static final int SLICE = 32;

    private final RerankerConfig config;
    private final ModelSlot slot;
    private final BatchScheduler scheduler;
    private final ExecutorService tokenizers;
    private final int tokenizerThreads;

    @Inject
    public Reranker(RerankerConfig config, ModelSlot slot, BatchScheduler scheduler) {
        this.config = config;
        this.slot = slot;
        this.scheduler = scheduler;
        this.tokenizerThreads = config.tokenization().threads().orElse(Runtime.getRuntime().availableProcessors());
        this.tokenizers = Executors.newFixedThreadPool(tokenizerThreads, daemonThreads("reranker-tokenize-"));
    }

    /**
     * Starts scoring a request.
     *
     * @throws RerankException at once for invalid input, overload or no model
     */
    public RerankCall rerank(RerankQuery request) {
        validate(request);
        CompletableFuture<ServingModel> acquired = slot.acquire();
        Admission admission;
        try {
            admission = scheduler.admit(request.documents().size());
        } catch (RuntimeException e) {
            acquired.thenAccept(model -> model.inFlight().exit());
            if (e instanceof OverloadedException overloaded) {
                throw new RerankException(ErrorKind.OVERLOADED, e.getMessage(), overloaded.retryAfterSeconds(), e);
            }
            throw new RerankException(ErrorKind.UNHEALTHY, "The service is shutting down", 0, e);
        }
        RerankCall call = new RerankCall(admission, config.requestTimeout().toMillis());
        acquired.whenComplete((model, error) -> {
            if (error != null) {
                call.fail(error);
                return;
            }
            // The model stays counted in until the answer is out and the tokenizer is no longer used.
            Runnable release = releaseAfter(2, model.inFlight()::exit);
            call.result().whenComplete((result, failure) -> release.run());
            try {
                tokenizers.execute(() -> {
                    try {
                        tokenizeAndQueue(call, admission, model, request);
                    } finally {
                        release.run();
                    }
                });
            } catch (RuntimeException e) {
                release.run();
                call.fail(new RerankException(ErrorKind.UNHEALTHY, "The service is shutting down", 0, e));
            }
        });
        return call;
    }

    private static Runnable releaseAfter(int holders, Runnable action) {
        AtomicInteger left = new AtomicInteger(holders);
        return () -> {
            if (left.decrementAndGet() == 0) {
                action.run();
            }
        };
    }

    /** True when the queue is full: requests would be refused whatever they carry. */
    public boolean saturated() {
        return scheduler.saturated();
    }

    private void validate(RerankQuery request) {
        if (request.query() == null || request.query().isBlank()) {
            throw new RerankException(ErrorKind.EMPTY, "`query` cannot be empty");
        }
        List<String> documents = request.documents();
        if (documents == null || documents.isEmpty()) {
            throw new RerankException(ErrorKind.EMPTY, "`documents` cannot be empty");
        }
        if (documents.size() > config.maxClientBatchSize()) {
            throw new RerankException(ErrorKind.VALIDATION, "batch size " + documents.size()
                    + " > maximum allowed batch size " + config.maxClientBatchSize());
        }
        for (int i = 0; i < documents.size(); i++) {
            if (documents.get(i) == null) {
                throw new RerankException(ErrorKind.VALIDATION, "document " + i + " is null");
            }
        }
    }

    private void tokenizeAndQueue(RerankCall call, Admission admission, ServingModel model, RerankQuery request) {
        if (call.isDone()) {
            return;
        }
        long start = System.nanoTime();
        List<List<DocumentWindow>> documents;
        List<EncodedPair> pairs;
        try {
            documents = tokenize(model, request);
            pairs = new ArrayList<>(documents.size());
            for (List<DocumentWindow> windows : documents) {
                windows.forEach(w -> pairs.add(w.pair()));
            }
            if (pairs.size() > admission.pairs()) {
                scheduler.extend(admission, pairs.size() - admission.pairs());
            }
        } catch (OverloadedException e) {
            call.fail(new RerankException(ErrorKind.OVERLOADED, "Model is overloaded: this request's documents split"
                    + " into " + e.getMessage(), e.retryAfterSeconds(), e));
            return;
        } catch (RuntimeException e) {
            call.fail(translate(e));
            return;
        }
        long tokenization = System.nanoTime() - start;
        ScoringJob job = scheduler.submit(admission, model.runner(), pairs);
        call.attach(job);
        job.result().whenComplete((logits, error) -> {
            if (error != null) {
                call.fail(translate(error));
                return;
            }
            JobTimings timings = job.timings();
            call.complete(new RerankResult(rank(documents, logits), timings.tokens(), pairs.size(), new Timings(
                    tokenization, timings.queueNanos(), timings.inferenceNanos(), System.nanoTime() - call.startedAt())));
        });
    }

    /** Windows a long document may be split into for this request; 1 means truncate. */
    private int maxChunks(RerankOptions options) {
        if (options.maxChunks() > 0) {
            return options.maxChunks();
        }
        return config.longDocuments() == LongDocuments.CHUNK ? config.chunking().maxChunksPerDoc() : 1;
    }

    /** Each document's pairs: one, or one per window when it is split. */
    private List<List<DocumentWindow>> tokenize(ServingModel model, RerankQuery request) {
        PairTokenizer tokenizer = model.tokenizer();
        RerankOptions options = request.options();
        PairLimits limits = new PairLimits(model.descriptor().maxLength(), config.truncation(), options.truncate(),
                options.side(), options.maxDocTokens());
        int maxChunks = maxChunks(options);
        EncodedText query = tokenizer.encodeQuery(request.query(), limits);
        List<String> documents = request.documents();
        DocumentEncoder encoder = (from, to) -> encodeRange(tokenizer, query, documents, from, to, limits, maxChunks);
        int slices = Math.min(tokenizerThreads, (documents.size() + SLICE - 1) / SLICE);
        if (slices <= 1) {
            return encoder.encode(0, documents.size());
        }
        // A large request is split so that its tokenization uses every tokenizer thread. The calling
        // thread runs any slice no other thread has started, so waiting on the pool cannot deadlock it.
        int per = (documents.size() + slices - 1) / slices;
        List<FutureTask<List<List<DocumentWindow>>>> tasks = new ArrayList<>(slices);
        for (int s = 0; s < slices; s++) {
            int from = s * per;
            int to = Math.min(documents.size(), from + per);
            tasks.add(new FutureTask<>(() -> encoder.encode(from, to)));
        }
        for (int s = 1; s < slices; s++) {
            tokenizers.execute(tasks.get(s));
        }
        List<List<DocumentWindow>> encoded = new ArrayList<>(documents.size());
        for (FutureTask<List<List<DocumentWindow>>> task : tasks) {
            task.run();
            try {
                encoded.addAll(task.get());
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while tokenizing", e);
            }
        }
        return encoded;
    }

    @FunctionalInterface
    private interface DocumentEncoder {
        List<List<DocumentWindow>> encode(int from, int to);
    }

    private List<List<DocumentWindow>> encodeRange(PairTokenizer tokenizer, EncodedText query, List<String> documents,
            int from, int to, PairLimits limits, int maxChunks) {
        List<List<DocumentWindow>> encoded = new ArrayList<>(to - from);
        int overlap = config.chunking().overlap();
        for (int i = from; i < to; i++) {
            EncodedText document = tokenizer.encodeDocument(documents.get(i), limits, maxChunks);
            try {
                encoded.add(tokenizer.windows(query, document, limits, maxChunks, overlap));
            } catch (InputTooLongException e) {
                throw new RerankException(ErrorKind.VALIDATION, "Input validation error: document " + i + ": "
                        + e.getMessage(), 0, e);
            }
        }
        return encoded;
    }

    /** A document's score is its best window's; ties keep request order. */
    private static List<Ranked> rank(List<List<DocumentWindow>> documents, float[] logits) {
        Ranked[] ranked = new Ranked[documents.size()];
        int at = 0;
        for (int d = 0; d < ranked.length; d++) {
            List<DocumentWindow> windows = documents.get(d);
            int best = 0;
            for (int w = 1; w < windows.size(); w++) {
                if (logits[at + w] > logits[at + best]) {
                    best = w;
                }
            }
            DocumentWindow winner = windows.get(best);
            BestWindow window = windows.size() > 1
                    ? new BestWindow(winner.charStart(), winner.charEnd(), best, windows.size()) : null;
            ranked[d] = Ranked.of(d, logits[at + best], window);
            at += windows.size();
        }
        Arrays.sort(ranked, Comparator.comparingDouble((Ranked r) -> r.logit()).reversed()
                .thenComparingInt(Ranked::index));
        return List.of(ranked);
    }

    private static RuntimeException translate(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RerankException rerank) {
            return rerank;
        }
        if (cause instanceof TokenizationException) {
            return new RerankException(ErrorKind.TOKENIZER, cause.getMessage(), 0, cause);
        }
        if (cause instanceof java.util.concurrent.CancellationException cancelled) {
            return cancelled;
        }
        if (cause instanceof SchedulerClosedException) {
            return new RerankException(ErrorKind.UNHEALTHY, cause.getMessage(), 0, cause);
        }
        return new RerankException(ErrorKind.BACKEND, "Inference failed: " + cause.getMessage(), 0, cause);
    }

    @PreDestroy
    void stop() {
        tokenizers.shutdown();
        try {
            tokenizers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
