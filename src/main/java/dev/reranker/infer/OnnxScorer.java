package dev.reranker.infer;

import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;

/**
 * One ONNX Runtime session of a cross-encoder. Turns padded batches of token ids into relevance
 * logits. Owns the session; every tensor and result it creates is closed before a call returns.
 * Thread-safe: ONNX Runtime sessions accept concurrent runs.
 */
public final class OnnxScorer implements AutoCloseable {

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final ModelInputs inputs;
    private final String outputName;
    private final int padTokenId;
    private final String device;
    private final OrtSession.RunOptions runOptions;
    // Runs share the read lock; close takes the write lock, so a session is never closed under a run.
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    OnnxScorer(OrtEnvironment environment, OrtSession session, ModelInputs inputs, String outputName,
            int padTokenId, String device, OrtSession.RunOptions runOptions) {
        this.runOptions = runOptions;
        this.environment = environment;
        this.session = session;
        this.inputs = inputs;
        this.outputName = outputName;
        this.padTokenId = padTokenId;
        this.device = device;
    }

    /** Where this session computes, e.g. {@code cpu} or {@code cuda:0}. */
    public String device() {
        return device;
    }

    /**
     * Scores pairs as one padded batch.
     *
     * @param ids token ids of each pair (special tokens included)
     * @param typeIds token type ids of each pair, read only when the model takes them
     * @return one relevance logit per pair, in order
     */
    public float[] logits(List<int[]> ids, List<int[]> typeIds) {
        int batch = ids.size();
        int width = 0;
        for (int[] row : ids) {
            width = Math.max(width, row.length);
        }
        long[] shape = { batch, width };
        Map<String, OnnxTensor> feed = new HashMap<>(4);
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new InferenceException("the session of this model was closed (unloaded or replaced)", null);
            }
            feed.put(ModelInputs.IDS, tensor(inputs.idsType(), ids, width, padTokenId, shape, false));
            feed.put(ModelInputs.MASK, tensor(inputs.maskType(), ids, width, 0, shape, true));
            if (inputs.hasTypeIds()) {
                feed.put(ModelInputs.TYPE_IDS, tensor(inputs.typeIdsType(), typeIds, width, 0, shape, false));
            }
            try (OrtSession.Result result = session.run(feed, runOptions)) {
                OnnxValue value = result.get(outputName)
                        .orElseThrow(() -> new IllegalStateException("output " + outputName + " missing"));
                return read((OnnxTensor) value, batch);
            }
        } catch (OrtException e) {
            throw new InferenceException("ONNX Runtime failed on a batch of " + batch + " x " + width + " tokens: "
                    + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
            lifecycle.readLock().unlock();
        }
    }

    private OnnxTensor tensor(OnnxJavaType type, List<int[]> rows, int width, int pad, long[] shape, boolean mask)
            throws OrtException {
        int batch = rows.size();
        long[] flat = new long[batch * width];
        for (int r = 0; r < batch; r++) {
            int[] row = rows.get(r);
            int base = r * width;
            for (int c = 0; c < width; c++) {
                flat[base + c] = c < row.length ? (mask ? 1 : row[c]) : pad;
            }
        }
        // Heap buffers are copied into memory ONNX Runtime frees when the tensor closes; a direct buffer
        // would live until the next garbage collection.
        if (type == OnnxJavaType.INT64) {
            return OnnxTensor.createTensor(environment, LongBuffer.wrap(flat), shape);
        }
        int[] narrow = new int[flat.length];
        for (int i = 0; i < flat.length; i++) {
            narrow[i] = (int) flat[i];
        }
        return OnnxTensor.createTensor(environment, IntBuffer.wrap(narrow), shape);
    }

    private static float[] read(OnnxTensor tensor, int batch) {
        TensorInfo info = tensor.getInfo();
        LogitsLayout layout = LogitsLayout.of(info.getShape());
        if (info.getShape()[0] != batch) {
            throw new IllegalStateException(
                    "the model returned " + info.getShape()[0] + " rows for " + batch + " pairs");
        }
        float[] values = switch (info.type) {
            case FLOAT -> floats(tensor);
            case FLOAT16 -> halfs(tensor, false);
            case BFLOAT16 -> halfs(tensor, true);
            case DOUBLE -> {
                double[] d = new double[(int) info.getNumElements()];
                tensor.getDoubleBuffer().get(d);
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                yield f;
            }
            default -> throw new IllegalStateException("logits of type " + info.type + " are not supported");
        };
        float[] logits = new float[batch];
        for (int i = 0; i < batch; i++) {
            logits[i] = values[i * layout.stride() + layout.offset()];
        }
        return logits;
    }

    private static float[] floats(OnnxTensor tensor) {
        java.nio.FloatBuffer buffer = tensor.getFloatBuffer();
        float[] out = new float[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    private static float[] halfs(OnnxTensor tensor, boolean bfloat) {
        java.nio.ShortBuffer buffer = tensor.getShortBuffer();
        float[] out = new float[buffer.remaining()];
        for (int i = 0; i < out.length; i++) {
            short bits = buffer.get(i);
            out[i] = bfloat ? Fp16Conversions.bf16ToFloat(bits) : Fp16Conversions.fp16ToFloat(bits);
        }
        return out;
    }

    /** Closes the session; the environment is process-wide and stays. */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            runOptions.close();
            session.close();
        } catch (OrtException e) {
            throw new InferenceException("Closing the ONNX Runtime session failed: " + e.getMessage(), e);
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
