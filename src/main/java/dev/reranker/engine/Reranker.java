package dev.reranker.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

import dev.reranker.batch.BatchScheduler;
import dev.reranker.batch.JobTimings;
import dev.reranker.batch.OverloadedException;
import dev.reranker.batch.ScoringJob;
import dev.reranker.batch.Throughput;
import dev.reranker.config.LongDocuments;
import dev.reranker.config.RerankerConfig;
import dev.reranker.tokenize.DocumentWindow;
import dev.reranker.tokenize.EncodedPair;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.InputTooLongException;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;

/**
 * The engine's facade: take the model, tokenize (on its own pool), queue the pairs, gather the scores, order them.
 * Knows nothing of HTTP; trusts the API layer to have validated the request.
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
    /** Calls not yet answered: bounded by reranker.max-concurrent-requests, answered all at once on shutdown. */
    private final Set<RerankCall> live = ConcurrentHashMap.newKeySet();

    @Inject
    public Reranker(RerankerConfig config, ModelSlot slot, BatchScheduler scheduler) {
        this.config = config;
        this.slot = slot;
        this.scheduler = scheduler;
        this.tokenizerThreads = config.tokenization().threads().orElse(Runtime.getRuntime().availableProcessors());
        this.tokenizers = Executors.newFixedThreadPool(tokenizerThreads, daemonThreads("reranker-tokenize-"));
    }

    /** Starts scoring a request; every failure, immediate or later, arrives through the call's result. */
    // The callbacks below end every path in the call itself; the futures whenComplete derives carry nothing more.
    @SuppressWarnings("FutureReturnValueIgnored")
    public RerankCall rerank(RerankQuery request) {
        RerankCall call = new RerankCall(config.requestTimeout().toMillis());
        live.add(call);
        call.result().whenComplete((result, error) -> live.remove(call));
        try {
            slot.acquire().whenComplete((lease, error) -> {
                if (error != null) {
                    call.tokenizationEnded();
                    call.fail(error);
                    return;
                }
                call.hold(lease);
                start(call, lease.model(), request);
            });
        } catch (RuntimeException e) {
            call.tokenizationEnded();
            call.fail(e);
        }
        return call;
    }

    private void start(RerankCall call, ServingModel model, RerankQuery request) {
        try {
            int documents = request.documents().size();
            if (documents > config.maxPairsPerRequest()) {
                throw tooManyPairs(documents + " documents");
            }
            call.reserved(scheduler.admit(documents, estimateTokens(model, request)));
            tokenizers.execute(() -> {
                try {
                    tokenizeAndQueue(call, model, request);
                } catch (RuntimeException e) {
                    call.fail(e);
                } finally {
                    call.tokenizationEnded();
                }
            });
        } catch (RuntimeException e) {
            call.tokenizationEnded();
            call.fail(e);
        }
    }

    /**
     * Why any request would be refused now (429 with its Retry-After), or null: too many requests in flight, or the
     * queue full. Cheap enough for every request before its body is read.
     */
    public ServiceException saturated() {
        int max = config.maxConcurrentRequests();
        if (live.size() >= max) {
            // Retry-After 1: which of the requests in flight ends first, and when, is not known here.
            return new ServiceException(ErrorKind.OVERLOADED, "Model is overloaded: the limit of " + max
                    + " requests in flight is reached (reranker.max-concurrent-requests); retry later", 1, null);
        }
        OverloadedException full = scheduler.saturated();
        return full == null ? null
                : new ServiceException(ErrorKind.OVERLOADED, full.getMessage(), full.retryAfterSeconds(), full);
    }

    /** The scheduler's estimate of the served model's speed, and the work admitted. */
    public SpeedEstimate speed() {
        Throughput t = scheduler.throughput();
        return new SpeedEstimate(t.secondsPerPaddedToken(), t.secondsPerToken(), t.paddingRatio(), t.tokensPerPair(),
                t.pairsPerSecond(), t.charsPerToken(), t.overheadRatio(), t.batches(), t.queuedSeconds(),
                scheduler.maxQueuedTime());
    }

    /** Requests accepted and not yet answered. */
    public int inFlight() {
        return live.size();
    }

    /**
     * Answers every request still unanswered with 503 {@code unhealthy}: the shutdown's last step, so that no accepted
     * request meets a closed connection. Their queued pairs are dropped.
     *
     * @return how many were answered so
     */
    public int answerRemaining(String message) {
        int answered = 0;
        for (RerankCall call : List.copyOf(live)) {
            if (call.fail(new ServiceException(ErrorKind.UNHEALTHY, message))) {
                answered++;
            }
        }
        return answered;
    }

    /**
     * The tokens a request will make, guessed from its characters (at the rate recent requests were tokenized),
     * capped as tokenization will cap them: admission decides on this before paying for the tokenizer.
     */
    private long estimateTokens(ServingModel model, RerankQuery request) {
        double charsPerToken = scheduler.throughput().charsPerToken();
        int maxLength = model.descriptor().maxLength();
        int specials = model.tokenizer().specialTokens();
        RerankOptions options = request.options();
        int maxChunks = maxChunks(options);
        long query = Math.min(maxLength, (long) Math.ceil(request.query().length() / charsPerToken));
        long total = 0;
        for (String document : request.documents()) {
            long reach = (long) maxLength * maxChunks;
            if (options.maxDocTokens() > 0) {
                reach = Math.min(reach, options.maxDocTokens());
            }
            long tokens = Math.min(reach, (long) Math.ceil(document.length() / charsPerToken));
            long room = Math.max(1, maxLength - specials - Math.min(query, maxLength / 2));
            long windows = Math.max(1, Math.min(maxChunks, (tokens + room - 1) / room));
            total += Math.min(windows * maxLength, windows * (query + specials) + tokens);
        }
        return total;
    }

    private ServiceException tooManyPairs(String what) {
        return new ServiceException(ErrorKind.VALIDATION, "Input validation error: this request makes " + what
                + ", more than the " + config.maxPairsPerRequest() + " pairs (documents x windows) one request may"
                + " make (reranker.max-pairs-per-request); send fewer documents or a lower max_chunks_per_doc");
    }

    /** What is served now, for /info and health routes. */
    public ModelState model() {
        return slot.snapshot();
    }

    @SuppressWarnings("FutureReturnValueIgnored") // see rerank
    private void tokenizeAndQueue(RerankCall call, ServingModel model, RerankQuery request) {
        if (call.isDone()) {
            return;
        }
        long start = System.nanoTime();
        List<List<DocumentWindow>> documents;
        List<EncodedPair> pairs;
        try {
            documents = tokenize(model, request);
            pairs = new ArrayList<>(documents.size());
            long tokens = 0;
            for (List<DocumentWindow> windows : documents) {
                for (DocumentWindow window : windows) {
                    pairs.add(window.pair());
                    tokens += window.pair().length();
                }
            }
            if (pairs.size() > config.maxPairsPerRequest()) {
                throw tooManyPairs(pairs.size() + " pairs");
            }
            scheduler.resize(call.reservation(), pairs.size(), tokens);
        } catch (RuntimeException e) {
            call.fail(e);
            return;
        }
        long tokenization = System.nanoTime() - start;
        ScoringJob job = scheduler.submit(call.reservation(), model.runner(), pairs);
        call.attach(job);
        job.result().whenComplete((logits, error) -> {
            if (error != null) {
                call.fail(error);
                return;
            }
            try {
                JobTimings timings = job.timings();
                call.complete(new RerankResult(rank(documents, logits), model.descriptor().name(), timings.tokens(),
                        pairs.size(), new Timings(tokenization, timings.queueNanos(), timings.inferenceNanos(),
                                System.nanoTime() - call.startedAt())));
            } catch (RuntimeException e) {
                call.fail(e);
            }
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
        scheduler.observeText(model.runner(), query.charsSeen(), query.length());
        List<String> documents = request.documents();
        DocumentEncoder encoder = (from, to) -> encodeRange(model, query, documents, from, to, limits, maxChunks);
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
                throw e.getCause() instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException(e.getCause());
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

    private List<List<DocumentWindow>> encodeRange(ServingModel model, EncodedText query, List<String> documents,
            int from, int to, PairLimits limits, int maxChunks) {
        PairTokenizer tokenizer = model.tokenizer();
        List<List<DocumentWindow>> encoded = new ArrayList<>(to - from);
        int overlap = config.chunking().overlap();
        long chars = 0;
        long tokens = 0;
        for (int i = from; i < to; i++) {
            EncodedText document = tokenizer.encodeDocument(documents.get(i), limits, maxChunks);
            chars += document.charsSeen();
            tokens += document.length();
            try {
                encoded.add(tokenizer.windows(query, document, limits, maxChunks, overlap));
            } catch (InputTooLongException e) {
                // The tokenizer's words, with the document they are about.
                throw new ServiceException(ErrorKind.VALIDATION, "Input validation error: document " + i + ": "
                        + e.getMessage(), 0, e);
            }
        }
        // What the next requests' estimates are made with: this tokenizer's characters per token.
        scheduler.observeText(model.runner(), chars, tokens);
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
                    ? new BestWindow(winner.charStart(), winner.charEnd(), best, windows.size())
                    : null;
            ranked[d] = Ranked.of(d, logits[at + best], window);
            at += windows.size();
        }
        Arrays.sort(ranked, Comparator.comparingDouble((Ranked r) -> r.logit()).reversed()
                .thenComparingInt(Ranked::index));
        return List.of(ranked);
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

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }
}
