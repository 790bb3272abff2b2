package dev.reranker.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

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

    Cpu cpu();

    /** Longest pair (query + document + special tokens) fed to the model; 512 as in FlagEmbedding. */
    @WithName("max-length")
    @WithDefault("512")
    int maxLength();

    /** How a pair longer than max-length is cut: flag (FlagEmbedding) or longest_first (sentence-transformers). */
    @WithDefault("flag")
    Truncation truncation();

    /** Default of the TEI request's {@code truncate}: cut long inputs instead of rejecting them. */
    @WithName("auto-truncate")
    @WithDefault("true")
    boolean autoTruncate();

    /** Most documents one request may carry (TEI's --max-client-batch-size; TEI defaults to 32). */
    @WithName("max-client-batch-size")
    @WithDefault("1000")
    int maxClientBatchSize();

    /** When set, scoring routes need one of these keys in Authorization (Bearer or bare). */
    @WithName("api-keys")
    Optional<List<String>> apiKeys();

    /** Longest a request may wait, from admission to its last score. */
    @WithName("request-timeout")
    @WithDefault("30s")
    Duration requestTimeout();

    Batch batch();

    Tokenization tokenization();

    Shutdown shutdown();

    Admin admin();

    /** Close the session after this long without a request (readiness stays UP; the next request reloads). Off when unset. */
    @WithName("idle-unload")
    Optional<Duration> idleUnload();

    Liveness liveness();

    Memory memory();

    interface Model {
        /** Directory in Hugging Face layout (tokenizer.json, config.json, model.onnx or onnx/model.onnx). */
        Optional<String> path();

        /** ONNX file inside the directory, e.g. onnx/model_fp16.onnx; default model.onnx then onnx/model.onnx. */
        Optional<String> file();

        /** Name reported by /info and echoed by the Cohere routes; default: the directory name. */
        Optional<String> name();
    }

    interface Cuda {
        @WithName("device-id")
        @WithDefault("0")
        int deviceId();

        /** Upper bound of the CUDA arena in bytes (gpu_mem_limit); unset = no limit. */
        @WithName("memory-limit")
        OptionalLong memoryLimit();

        /** kSameAsRequested keeps the arena from doubling past what a long-running service needs. */
        @WithName("arena-extend-strategy")
        @WithDefault("kSameAsRequested")
        String arenaExtendStrategy();

        /** cuDNN convolution algorithm search: EXHAUSTIVE, HEURISTIC or DEFAULT. */
        @WithName("cudnn-conv-algo-search")
        @WithDefault("HEURISTIC")
        String cudnnConvAlgoSearch();
    }

    interface Cpu {
        /** Threads one inference uses; default: all available processors. */
        @WithName("intra-op-threads")
        OptionalInt intraOpThreads();

        /** ONNX Runtime's CPU memory arena: faster reuse, but it keeps its high-water mark. */
        @WithName("memory-arena")
        @WithDefault("true")
        boolean memoryArena();

        /** Whether idle intra-op threads spin before sleeping: lower latency, but they burn the cores tokenization needs. */
        @WithName("allow-spinning")
        @WithDefault("true")
        boolean allowSpinning();
    }

    interface Batch {
        /** A batch is cut when pairs x longest pair would exceed this many (padded) tokens. */
        @WithName("max-tokens")
        @WithDefault("8192")
        int maxTokens();

        /** A batch is cut at this many pairs. */
        @WithName("max-pairs")
        @WithDefault("128")
        int maxPairs();

        /** How long the oldest waiting pair may wait for company; 0 = one request per batch. */
        @WithName("max-wait")
        @WithDefault("5ms")
        Duration maxWait();

        /** Inference runs in flight at once (workers sharing one session). */
        @WithDefault("1")
        int workers();

        /** Pairs admitted and not yet scored beyond which new requests get 429. */
        @WithName("max-queued-pairs")
        @WithDefault("4096")
        int maxQueuedPairs();
    }

    interface Tokenization {
        /** Threads that tokenize ahead of the queue; default: available processors. */
        OptionalInt threads();
    }

    interface Shutdown {
        /**
         * Budget from SIGTERM to exit: the pre-stop delay, then finishing accepted requests, then closing.
         * Keep it under the platform's grace period (Kubernetes: 30 s).
         */
        @WithName("drain-timeout")
        @WithDefault("25s")
        Duration drainTimeout();

        /** After SIGTERM, readiness is DOWN at once but requests are still taken this long, while the platform stops routing. */
        @WithName("pre-stop-delay")
        @WithDefault("3s")
        Duration preStopDelay();
    }

    interface Admin {
        /** Enables /admin/model (load, unload, status) behind this bearer token. Off when unset. */
        Optional<String> key();
    }

    interface Liveness {
        /** A batch running longer than this turns liveness DOWN: the worker is stuck and a restart is the cure. */
        @WithName("max-batch-time")
        @WithDefault("120s")
        Duration maxBatchTime();
    }

    interface Memory {
        /** Give ONNX Runtime arena memory unused by a run back at its end (memory.enable_memory_arena_shrinkage). */
        @WithName("arena-shrinkage")
        @WithDefault("true")
        boolean arenaShrinkage();

        /** Call glibc's malloc_trim(0) this often, returning freed native heap to the OS. Off when unset. */
        @WithName("trim-interval")
        Optional<Duration> trimInterval();
    }
}
