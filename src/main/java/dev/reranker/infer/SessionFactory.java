package dev.reranker.infer;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;

import org.jboss.logging.Logger;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.reranker.config.Device;
import dev.reranker.model.ModelLoadException;

/** Opens ONNX Runtime sessions on the configured device, falling back to CPU where allowed. */
public final class SessionFactory {

    private static final Logger LOG = Logger.getLogger(SessionFactory.class);

    private SessionFactory() {
    }

    /**
     * Opens {@code onnxFile} by path (so its external data resolves) and checks that it is a cross-encoder.
     *
     * @throws ModelLoadException naming the file and the problem
     */
    public static OnnxScorer open(Path onnxFile, SessionSettings settings, int padTokenId) {
        return open(onnxFile, settings, padTokenId, OrtEnvironment.getAvailableProviders());
    }

    /** As {@link #open(Path, SessionSettings, int)}, with the providers this ONNX Runtime build offers. */
    static OnnxScorer open(Path onnxFile, SessionSettings settings, int padTokenId, EnumSet<OrtProvider> available) {
        OrtEnvironment environment = OrtEnvironmentRelease.environment(settings.deferEnvironmentRelease());
        String device = "cpu";
        try (OrtSession.SessionOptions options = cpuOptions(settings)) {
            if (settings.device() != Device.CPU) {
                String unavailable = addCuda(options, settings, available);
                if (unavailable == null) {
                    device = "cuda:" + settings.cudaDeviceId();
                } else if (settings.device() == Device.CUDA) {
                    throw new ModelLoadException("reranker.device=cuda but the CUDA execution provider cannot be used: "
                            + unavailable);
                } else {
                    LOG.warnf("reranker.device=auto: running on CPU because the CUDA execution provider cannot be"
                            + " used: %s", unavailable);
                }
            }
            OrtSession session = createSession(environment, onnxFile, options);
            try {
                ModelInputs inputs = ModelInputs.of(session.getInputInfo());
                String output = checkOutput(session.getOutputInfo());
                return new OnnxScorer(environment, session, inputs, output, padTokenId, device,
                        runOptions(settings, device));
            } catch (RuntimeException | OrtException e) {
                closeQuietly(session);
                throw new ModelLoadException(onnxFile + " is not a cross-encoder: " + e.getMessage(), e);
            }
        } catch (OrtException e) {
            throw new ModelLoadException("Cannot configure ONNX Runtime for " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    private static OrtSession createSession(OrtEnvironment environment, Path onnxFile,
            OrtSession.SessionOptions options) {
        try {
            return environment.createSession(onnxFile.toString(), options);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load " + onnxFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Arena shrinkage returns, at the end of every run, the arena chunks that run no longer uses: after a
     * burst of long batches memory goes back toward its resting level instead of staying at the peak.
     */
    private static OrtSession.RunOptions runOptions(SessionSettings settings, String device) throws OrtException {
        OrtSession.RunOptions options = new OrtSession.RunOptions();
        if (settings.arenaShrinkage()) {
            StringBuilder arenas = new StringBuilder();
            if (settings.cpuArena()) {
                arenas.append("cpu:0");
            }
            if (device.startsWith("cuda")) {
                arenas.append(arenas.length() > 0 ? ";" : "").append("gpu:").append(settings.cudaDeviceId());
            }
            if (arenas.length() > 0) {
                options.addRunConfigEntry("memory.enable_memory_arena_shrinkage", arenas.toString());
            }
        }
        return options;
    }

    private static OrtSession.SessionOptions cpuOptions(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        options.setIntraOpNumThreads(settings.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setCPUArenaAllocator(settings.cpuArena());
        // Shapes change with every batch; memory patterns only help fixed shapes and keep buffers alive.
        options.setMemoryPatternOptimization(false);
        options.addConfigEntry("session.intra_op.allow_spinning", settings.allowSpinning() ? "1" : "0");
        return options;
    }

    /** Adds the CUDA provider; returns why it cannot be used, or null when it was added. */
    private static String addCuda(OrtSession.SessionOptions options, SessionSettings settings,
            EnumSet<OrtProvider> available) {
        if (!available.contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build offers " + available + " (build with -Pgpu for onnxruntime_gpu, and run"
                    + " where CUDA 12 and cuDNN 9 libraries are on the library path)";
        }
        try (OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId())) {
            cuda.add("arena_extend_strategy", settings.arenaExtendStrategy());
            cuda.add("cudnn_conv_algo_search", settings.cudnnConvAlgoSearch());
            settings.cudaMemoryLimit().ifPresent(limit -> addUnchecked(cuda, "gpu_mem_limit", Long.toString(limit)));
            options.addCUDA(cuda);
            return null;
        } catch (OrtException | RuntimeException e) {
            return e.getMessage();
        }
    }

    private static void addUnchecked(OrtCUDAProviderOptions cuda, String key, String value) {
        try {
            cuda.add(key, value);
        } catch (OrtException e) {
            throw new IllegalArgumentException("CUDA option " + key + "=" + value + ": " + e.getMessage(), e);
        }
    }

    private static String checkOutput(Map<String, NodeInfo> outputs) {
        NodeInfo first = outputs.values().iterator().next();
        if (!(first.getInfo() instanceof TensorInfo tensor)) {
            throw new IllegalArgumentException("first output '" + first.getName() + "' is not a tensor");
        }
        LogitsLayout.of(tensor.getShape());
        return first.getName();
    }

    private static void closeQuietly(OrtSession session) {
        try {
            session.close();
        } catch (OrtException ignored) {
            // already failing with a better message
        }
    }
}
