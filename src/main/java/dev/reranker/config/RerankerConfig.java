package dev.reranker.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;

import org.hibernate.validator.constraints.time.DurationMin;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every setting of the service, read once. Environment variables map the usual way:
 * {@code reranker.batch.max-tokens} is {@code RERANKER_BATCH_MAX_TOKENS}.
 */
@ConfigMapping(prefix = "reranker")
public interface RerankerConfig {

    Model model();

    /** Execution provider: cpu, cuda, or auto (CUDA when it loads, else CPU with one WARN line). */
    @WithDefault("cpu")
    Device device();

    Cuda cuda();

    /**
     * Arithmetic of the encoder's linear layers: fp32, or int8 (weights quantized once, activations per batch; on
     * CPU about three times the pairs per second). A graph built from safetensors is quantized by the service and
     * cached; an ONNX repository or directory must hold a quantized export (onnx/model_quantized.onnx,
     * onnx/model_int8.onnx, onnx/model_qint8_avx512_vnni.onnx, ...), else startup fails. docs/precision.md has
     * the names recognised and the fidelity measured.
     */
    @WithDefault("fp32")
    Precision precision();

    Cpu cpu();

    /** Longest pair (query + document + special tokens) fed to the model; 512 as in FlagEmbedding. */
    @WithDefault("512")
    @Min(value = 16, message = "must be at least 16: the flag layout (query 3/4, document the rest) needs room for the special tokens")
    int maxLength();

    /** How a pair longer than max-length is cut: flag (FlagEmbedding) or longest_first (sentence-transformers). */
    @WithDefault("flag")
    Truncation truncation();

    /** Default of the TEI request's {@code truncate}: cut long inputs instead of rejecting them. */
    @WithDefault("true")
    boolean autoTruncate();

    /** Most documents one request may carry (TEI's --max-client-batch-size; TEI defaults to 32). */
    @WithDefault("1000")
    @Positive
    int maxClientBatchSize();

    /**
     * Most pairs (documents x windows) one request may make; a request beyond it gets 422 (TEI) or 400 (Cohere) at
     * once. Bounds the work and memory a single request can claim, whatever its max_chunks_per_doc.
     */
    @WithDefault("2000")
    @Positive
    int maxPairsPerRequest();

    /**
     * Requests accepted and not yet answered beyond which new ones get 429 (TEI's --max-concurrent-requests, which
     * /info reports as max_concurrent_requests). Keep Knative's containerConcurrency at or below it.
     */
    @WithDefault("512")
    @Positive
    int maxConcurrentRequests();

    /** When set, scoring routes need one of these keys in Authorization (Bearer or bare). */
    Optional<List<String>> apiKeys();

    /**
     * Also answer the probes ({@code /q/health}, {@code /q/health/live}, {@code /q/health/ready},
     * {@code /q/health/started}) and {@code /q/metrics} on the service port, for platforms that route and probe one
     * port only (Knative). They always answer on the management interface (quarkus.management.port, 9000), whose
     * listener a flood of connections to the service port does not reach; on the service port they share its
     * connection limit, so a flood that fills it fails them too.
     */
    @WithDefault("false")
    boolean probesOnServicePort();

    /**
     * Longest a request may take, from its arrival to its last score; past it the request gets 503 and its queued
     * pairs are dropped. Admission (batch.max-queued-time, 80 % of it) takes only work the model is estimated to
     * finish within it. 75 s lets 8 users x 10 documents of 40 words (about 54 s of work) be admitted at once on the
     * full-size bge-reranker-v2-m3 in fp32 on 2 cores (docs/sizing.md). Keep shutdown.drain-timeout above it.
     */
    @WithDefault("75s")
    Duration requestTimeout();

    Batch batch();

    Tokenization tokenization();

    /**
     * What to do with a document whose pair does not fit max-length: truncate (score its first tokens, as
     * TEI does) or chunk (score every window of it, up to chunking.max-chunks-per-doc, and keep the best).
     * Requests choose per call with max_chunks_per_doc.
     */
    @WithDefault("truncate")
    LongDocuments longDocuments();

    Chunking chunking();

    Shutdown shutdown();

    Admin admin();

    /**
     * Close the session after this long without a request (readiness stays UP; the next request reloads). Off when
     * unset.
     */
    Optional<Duration> idleUnload();

    Liveness liveness();

    Memory memory();

    /**
     * Where models fetched by {@code reranker.model.id} are kept, in huggingface_hub's cache layout so that a cache
     * filled by Python tools serves here and the other way round. Default as huggingface_hub: HF_HUB_CACHE, else
     * HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub.
     */
    @WithDefault("${HF_HUB_CACHE:${HF_HOME:${XDG_CACHE_HOME:${user.home}/.cache}/huggingface}/hub}")
    String cacheDir();

    Hub hub();

    interface Model {
        /**
         * Directory in Hugging Face layout (tokenizer.json, config.json, and model.onnx / onnx/model.onnx or
         * model.safetensors). Wins over id.
         */
        Optional<String> path();

        /**
         * Hugging Face Hub repository to serve when no path is set, e.g. BAAI/bge-reranker-v2-m3 (env
         * RERANKER_MODEL_ID): its ONNX file and external data (or, without ONNX, its safetensors weights and
         * config.json) and tokenizer are downloaded into cache-dir.
         */
        Optional<String> id();

        /** Branch, tag or commit of {@code id}; a commit pins the files exactly. */
        @WithDefault("main")
        String revision();

        /**
         * ONNX file inside the directory or repository, e.g. onnx/model_fp16.onnx; default model.onnx then
         * onnx/model.onnx.
         */
        Optional<String> file();

        /** Name reported by /info and echoed by the Cohere routes; default: the directory name or the repository id. */
        Optional<String> name();

        /**
         * Which weights to serve: auto (the ONNX graph when the directory or repository has one, else
         * model.safetensors), onnx, or safetensors (the graph is built from config.json and the weights).
         */
        @WithDefault("auto")
        ModelFormat format();

        /**
         * Where a graph built from safetensors goes when the directory holding the weights is not writable (it is
         * written beside them otherwise).
         */
        @WithDefault("${XDG_CACHE_HOME:${user.home}/.cache}/reranker-service/graphs")
        String graphCacheDir();
    }

    /**
     * How the Hugging Face Hub is reached. The defaults read huggingface_hub's own environment variables, so a
     * deployment configured for Python tools works unchanged.
     */
    interface Hub {
        /** Base URL of the Hub or a mirror (HF_ENDPOINT). */
        @WithDefault("${HF_ENDPOINT:https://huggingface.co}")
        String endpoint();

        /** Access token for gated and private repositories (HF_TOKEN); sent to the Hub only, never to its CDN. */
        @WithDefault("${HF_TOKEN:}")
        Optional<String> token();

        /** Use the cache only and never open a connection (HF_HUB_OFFLINE=1). */
        @WithDefault("${HF_HUB_OFFLINE:false}")
        boolean offline();

        /** How often a running download logs its progress. */
        @WithDefault("5s")
        Duration progressInterval();

        @WithDefault("10s")
        Duration connectTimeout();

        /** A download that receives no byte for this long is cut and resumed. */
        @WithDefault("60s")
        Duration readTimeout();

        /** Attempts per request or file before startup fails; downloads resume where the last attempt stopped. */
        @WithDefault("5")
        @Positive
        int maxAttempts();

        /** Pause before the second attempt; doubled for each further one, at most 30 s. */
        @WithDefault("1s")
        Duration retryBackoff();

        /**
         * Check cached files against their blob names (sha256 or git sha1) at startup, so a corrupted cache is found
         * before it is served. A blob is hashed once (about 1.1 s per GB) after it is downloaded or first found;
         * later starts hash it again only when its size, modification time or inode changed.
         */
        @WithDefault("true")
        boolean verifyCache();
    }

    interface Cuda {
        @WithDefault("0")
        @PositiveOrZero
        int deviceId();

        /** Upper bound of the CUDA arena in bytes (gpu_mem_limit); unset = no limit. */
        OptionalLong memoryLimit();

        /** kSameAsRequested keeps the arena from doubling past what a long-running service needs. */
        @WithDefault("kSameAsRequested")
        String arenaExtendStrategy();

        /** cuDNN convolution algorithm search: EXHAUSTIVE, HEURISTIC or DEFAULT. */
        @WithDefault("HEURISTIC")
        String cudnnConvAlgoSearch();
    }

    interface Cpu {
        /** Threads one inference uses; default: all available processors. */
        OptionalInt intraOpThreads();

        /** ONNX Runtime's CPU memory arena: faster reuse, but it keeps its high-water mark. */
        @WithDefault("true")
        boolean memoryArena();

        /**
         * Whether idle intra-op threads spin before sleeping: lower latency, but they burn the cores tokenization
         * needs.
         */
        @WithDefault("true")
        boolean allowSpinning();
    }

    interface Batch {
        /**
         * A batch is cut when pairs x longest pair would exceed this many (padded) tokens. Sized for CPU:
         * there, tokens per second fall as batches grow past a few thousand tokens (measured in docs/benchmarks.md),
         * and small batches cut from a long queue group lengths tightly. On a GPU use 16384 or more. A single
         * pair longer than this still forms a batch of its own.
         */
        @WithDefault("1024")
        @Positive
        int maxTokens();

        /** A batch is cut at this many pairs. */
        @WithDefault("128")
        @Positive
        int maxPairs();

        /** How long the oldest waiting pair may wait for company; 0 = one request per batch. */
        @WithDefault("5ms")
        @DurationMin(nanos = 0)
        Duration maxWait();

        /** Inference runs in flight at once (workers sharing one session). */
        @WithDefault("1")
        @Positive
        int workers();

        /**
         * Pairs admitted and not yet answered beyond which new requests get 429: a bound on the memory queued
         * requests hold, not on their time (max-queued-time bounds that).
         */
        @WithDefault("4096")
        @Positive
        int maxQueuedPairs();

        /**
         * Estimated time to compute what is admitted plus a new request beyond which the request gets 429 with the
         * seconds until it would fit as Retry-After. Estimated from the served model's measured speed. Default: 80 %
         * of request-timeout, the rest being left for tokenizing, batching delays and the estimate's error.
         */
        Optional<Duration> maxQueuedTime();
    }

    interface Tokenization {
        /** Threads that tokenize ahead of the queue; default: available processors. */
        OptionalInt threads();
    }

    interface Shutdown {
        /**
         * Budget from SIGTERM to exit, as a whole: the pre-stop delay, then finishing accepted requests (those left at
         * its end are answered 503), then closing the model. At least request-timeout + pre-stop-delay + 1 s, so that
         * every request accepted before SIGTERM ends on its own; keep the platform's grace period above it plus
         * quarkus.shutdown.timeout (the Kubernetes default of 30 s is too short: deploy/ sets 90 s).
         */
        @WithDefault("80s")
        Duration drainTimeout();

        /**
         * After SIGTERM, readiness is DOWN at once but requests are still taken this long, while the platform stops
         * routing.
         */
        @WithDefault("3s")
        Duration preStopDelay();
    }

    interface Admin {
        /** Enables /admin/model (load, unload, status) behind this bearer token. Off when unset. */
        Optional<String> key();
    }

    interface Liveness {
        /** A batch running longer than this turns liveness DOWN: the worker is stuck and a restart is the cure. */
        @WithDefault("120s")
        Duration maxBatchTime();
    }

    interface Memory {
        /** Give ONNX Runtime arena memory unused by a run back at its end (memory.enable_memory_arena_shrinkage). */
        @WithDefault("true")
        boolean arenaShrinkage();

        /** Call glibc's malloc_trim(0) this often, returning freed native heap to the OS. Off when unset. */
        Optional<Duration> trimInterval();
    }

    interface Chunking {
        /** Tokens neighbouring windows share, so a passage cut at a window edge is whole in one of them. */
        @WithDefault("32")
        @PositiveOrZero
        int overlap();

        /** Most windows one document is split into (Cohere v1's max_chunks_per_doc default is 10). */
        @WithDefault("10")
        @Positive
        int maxChunksPerDoc();

        /** Largest max_chunks_per_doc a request may ask for; larger values get 422 (TEI) or 400 (Cohere). */
        @WithDefault("100")
        @Positive
        int maxChunksLimit();
    }
}
