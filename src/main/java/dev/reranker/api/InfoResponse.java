package dev.reranker.api;

import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * TEI's {@code /info} fields, so TEI clients find what they look for, followed by this service's own. Where the model
 * lies on disk is not here: {@code /info} is open to anyone, and the path belongs to the admin view
 * ({@code GET /admin/model}).
 */
record InfoResponse(
        @Schema(nullable = true) @JsonProperty("model_id") String modelId,
        @Schema(nullable = true) @JsonProperty("model_sha") String modelSha,
        @JsonProperty("model_dtype") String modelDtype,
        @JsonProperty("model_type") Map<String, Object> modelType,
        @JsonProperty("max_concurrent_requests") int maxConcurrentRequests,
        @JsonProperty("max_input_length") int maxInputLength,
        @JsonProperty("max_batch_tokens") int maxBatchTokens,
        @Schema(nullable = true) @JsonProperty("max_batch_requests") Integer maxBatchRequests,
        @JsonProperty("max_client_batch_size") int maxClientBatchSize,
        @JsonProperty("auto_truncate") boolean autoTruncate,
        @JsonProperty("tokenization_workers") int tokenizationWorkers,
        String version,
        String state,
        @JsonProperty("demo_model") boolean demoModel,
        @Schema(nullable = true) String device,
        String precision,
        String truncation,
        @Schema(nullable = true) @JsonProperty("model_max_input_length") Integer modelMaxInputLength,
        @Schema(nullable = true) @JsonProperty("load_time_ms") Long loadTimeMs,
        @Schema(nullable = true) @JsonProperty("idle_unload_ms") Long idleUnloadMs,
        @JsonProperty("reloads_after_idle") int reloadsAfterIdle,
        @JsonProperty("max_pairs_per_request") int maxPairsPerRequest,
        Batch batch,
        Throughput throughput) {

    record Batch(
            @JsonProperty("max_tokens") int maxTokens,
            @JsonProperty("max_pairs") int maxPairs,
            @JsonProperty("max_wait_ms") double maxWaitMs,
            int workers,
            @JsonProperty("max_queued_pairs") int maxQueuedPairs,
            @JsonProperty("max_queued_time_ms") long maxQueuedTimeMs,
            @JsonProperty("request_timeout_ms") long requestTimeoutMs) {
    }

    /**
     * The scheduler's estimate of the served model's speed (null figures while no model is calibrated), and the work
     * admitted, in seconds.
     */
    record Throughput(
            @JsonProperty("seconds_per_padded_token") Double secondsPerPaddedToken,
            @JsonProperty("seconds_per_token") Double secondsPerToken,
            @JsonProperty("padding_ratio") Double paddingRatio,
            @JsonProperty("tokens_per_pair") Double tokensPerPair,
            @JsonProperty("pairs_per_second") Double pairsPerSecond,
            @JsonProperty("chars_per_token") Double charsPerToken,
            @JsonProperty("overhead_ratio") Double overheadRatio,
            @JsonProperty("batches_measured") long batchesMeasured,
            @JsonProperty("queued_seconds") double queuedSeconds) {
    }
}
