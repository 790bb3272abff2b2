package dev.reranker.infer;

import java.util.OptionalLong;

import dev.reranker.config.Device;

/**
 * How to open a session.
 *
 * @param device cpu, cuda, or auto
 * @param intraOpThreads threads one run uses on CPU
 * @param cpuArena ONNX Runtime's CPU memory arena
 * @param allowSpinning whether idle intra-op threads spin before sleeping
 * @param cudaDeviceId GPU ordinal
 * @param cudaMemoryLimit gpu_mem_limit in bytes
 * @param arenaExtendStrategy kSameAsRequested or kNextPowerOfTwo
 * @param cudnnConvAlgoSearch EXHAUSTIVE, HEURISTIC or DEFAULT
 * @param arenaShrinkage give arena memory unused by a run back at its end (CPU and CUDA arenas)
 * @param deferEnvironmentRelease release the native environment when told, not in ONNX Runtime's own
 *        shutdown hook (see {@link OrtEnvironmentRelease})
 */
public record SessionSettings(Device device, int intraOpThreads, boolean cpuArena, boolean allowSpinning,
        int cudaDeviceId, OptionalLong cudaMemoryLimit, String arenaExtendStrategy, String cudnnConvAlgoSearch,
        boolean arenaShrinkage,
        boolean deferEnvironmentRelease) {
}
