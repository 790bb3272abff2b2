package dev.reranker.model.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.reranker.model.safetensors.Dtype;
import dev.reranker.model.safetensors.SafetensorsTensor;

/**
 * The int8 copy of the encoder's linear weights, for {@code com.microsoft.DynamicQuantizeMatMul(A, B, b_scale,
 * b_zero_point, bias)}: A is the float activation, quantized by ONNX Runtime per run (uint8, its own scale and zero
 * point over the whole batch); B the int8 weight as [in, out], the matrix A is multiplied by, so the PyTorch [out, in]
 * weight is transposed while it is quantized; b_scale one float per output column (per channel) or one for the whole
 * matrix (per tensor); no zero point: the weights are quantized symmetrically around 0, as
 * {@code onnxruntime.quantization.quantize_dynamic} does by default. (Asymmetric uint8 weights, with a zero point per
 * scale, exist for measurement: {@link Scheme#asymmetric()}.) ONNX Runtime packs the constant B into its own
 * buffers once, at session creation.
 *
 * <p>
 * Quantized data cannot point into the safetensors files, so it is written once into a file of its own beside the
 * cached graph (its scales after each matrix), every tensor on a page boundary. Planning happens while the graph is
 * built; {@link #write} computes the values.
 */
final class Int8Weights {

    private static final long ALIGN = 4096;
    private static final int UINT8 = 2;
    private static final int INT8 = 3;

    /**
     * How the weights are quantized.
     *
     * @param perChannel one scale per output column (else one per matrix)
     * @param limit the largest magnitude of a quantized weight: 127 for the full int8 range, 63 for 7 bits (which
     *        keeps AVX2's u8 x s8 pairwise sums inside int16); 255 for asymmetric weights
     * @param unsigned uint8 weights: with zero point 128 when symmetric
     * @param asymmetric uint8 weights spanning [min, max] of their channel (or matrix) with a zero point of their
     *        own, as ONNX's DynamicQuantizeLinear makes them: for measurement only (docs/precision.md), the service
     *        uses {@link #DEFAULT}
     */
    record Scheme(boolean perChannel, int limit, boolean unsigned, boolean asymmetric) {
        /**
         * Per channel, 7 bits, signed: chosen by measurement (docs/precision.md). On a CPU without VNNI (AVX2,
         * AVX-512 without VNNI), ONNX Runtime multiplies uint8 activations by int8 weights with vpmaddubsw, which
         * adds two products into a saturating int16: full-range weights (127) overflow it, and st-bert's mean
         * Spearman fell to 0.94 with one query at -0.52. Weights within ±63 cannot overflow it; uint8 weights
         * (zero point 128, or asymmetric) avoid it too, more accurately for asymmetric ones, but the uint8 x uint8
         * kernel they need ran slower at full size.
         */
        static final Scheme DEFAULT = new Scheme(true, 63, false, false);

        private static final String ASYMMETRIC = "u8-asym";

        /** For the cache key and logs: per-channel/127, per-tensor/127/u8, per-channel/u8-asym. */
        String label() {
            return (perChannel ? "per-channel" : "per-tensor") + "/"
                    + (asymmetric ? ASYMMETRIC : limit + (unsigned ? "/u8" : ""));
        }

        /** The inverse of {@link #label()}. */
        static Scheme parse(String text) {
            String t = text.toLowerCase(Locale.ROOT);
            int slash = t.indexOf('/');
            String rest = slash < 0 ? "127" : t.substring(slash + 1);
            if (rest.equals(ASYMMETRIC)) {
                return new Scheme(t.startsWith("per-channel"), 255, true, true);
            }
            boolean unsigned = rest.endsWith("/u8");
            return new Scheme(t.startsWith("per-channel"), Integer.parseInt(unsigned ? rest.substring(0,
                    rest.length() - 3) : rest), unsigned, false);
        }
    }

    /**
     * One weight to quantize: [out, in] in the checkpoint, [in, out] at {@code offset} of the file, its scales at
     * {@code scaleOffset}, its zero points (asymmetric schemes only) at {@code zeroOffset}.
     */
    record Plan(SafetensorsTensor source, long out, long in, long offset, long scaleOffset, long zeroOffset) {
    }

    private final Scheme scheme;
    private final String location;
    private final List<Plan> plans = new ArrayList<>();
    private long size;

    /** @param location the file's name beside the graph */
    Int8Weights(Scheme scheme, String location) {
        this.scheme = scheme;
        this.location = location;
    }

    Scheme scheme() {
        return scheme;
    }

    /**
     * Adds the int8 weight and its scales to the graph for the [out, in] float weight {@code source}; returns the
     * names of B, b_scale and b_zero_point (empty: none, for signed weights).
     */
    List<String> use(OnnxGraph graph, SafetensorsTensor source, long out, long in) {
        long offset = align(size);
        long scaleOffset = align(offset + out * in);
        long scales = scheme.perChannel() ? out : 1;
        long zeroOffset = scaleOffset + scales * 4;
        size = scheme.asymmetric() ? zeroOffset + scales : zeroOffset;
        plans.add(new Plan(source, out, in, offset, scaleOffset, zeroOffset));
        String b = source.name() + "_int8";
        String scale = source.name() + "_scale";
        graph.externalInitializer(b, scheme.unsigned() ? UINT8 : INT8, new long[] { in, out }, location, offset,
                out * in);
        graph.externalInitializer(scale, OnnxGraph.FLOAT, new long[] { scales }, location, scaleOffset, scales * 4);
        if (scheme.asymmetric()) {
            // Right after the scales, unaligned: ONNX Runtime copies initializers this small.
            String zero = source.name() + "_zero_point";
            graph.externalInitializer(zero, UINT8, new long[] { scales }, location, zeroOffset, scales);
            return List.of(b, scale, zero);
        }
        return List.of(b, scale, scheme.unsigned() ? graph.uint8s(new long[0], (byte) 128) : "");
    }

    boolean isEmpty() {
        return plans.isEmpty();
    }

    long size() {
        return size;
    }

    /** Quantizes every planned weight into {@code target}; returns the file's SHA-256, updated as it is written. */
    byte[] write(Path target, MessageDigest digest) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long written = 0;
            for (Plan p : plans) {
                float[] w = read(p.source());
                ByteBuffer q = ByteBuffer.allocate((int) (p.out() * p.in()));
                int groups = scheme.perChannel() ? (int) p.out() : 1;
                ByteBuffer s = ByteBuffer.allocate(groups * 4).order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer z = ByteBuffer.allocate(groups);
                if (scheme.asymmetric()) {
                    quantizeAsymmetric(w, (int) p.out(), (int) p.in(), q.array(), s, z.array());
                } else {
                    quantize(w, (int) p.out(), (int) p.in(), q.array(), s);
                }
                written = pad(out, digest, written, p.offset());
                written += put(out, digest, q, written);
                written = pad(out, digest, written, p.scaleOffset());
                written += put(out, digest, s.flip(), written);
                if (scheme.asymmetric()) {
                    written += put(out, digest, z, written);
                }
            }
            pad(out, digest, written, size);
        }
        return digest.digest();
    }

    /**
     * Symmetric quantization of the [out, in] matrix {@code w} into {@code q} laid out [in, out]: scale =
     * max|w| / limit over the output row (per channel) or the matrix, q = round-half-even(w / scale) clamped to
     * ±limit. A row of zeros gets scale 1.
     */
    void quantize(float[] w, int out, int in, byte[] q, ByteBuffer scales) {
        float tensorMax = 0;
        if (!scheme.perChannel()) {
            for (float v : w) {
                tensorMax = Math.max(tensorMax, Math.abs(v));
            }
            scales.putFloat(scale(tensorMax));
        }
        for (int o = 0; o < out; o++) {
            float max = tensorMax;
            if (scheme.perChannel()) {
                max = 0;
                for (int i = 0; i < in; i++) {
                    max = Math.max(max, Math.abs(w[o * in + i]));
                }
                scales.putFloat(scale(max));
            }
            float scale = scale(max);
            for (int i = 0; i < in; i++) {
                float v = (float) Math.rint(w[o * in + i] / scale);
                int clamped = (int) Math.max(-scheme.limit(), Math.min(scheme.limit(), v));
                q[i * out + o] = (byte) (scheme.unsigned() ? clamped + 128 : clamped);
            }
        }
    }

    /**
     * Asymmetric uint8 quantization of the [out, in] matrix {@code w} into {@code q} laid out [in, out], as ONNX's
     * DynamicQuantizeLinear does for activations: over the output row (per channel) or the matrix, the range
     * [min(lo, 0), max(hi, 0)] maps onto 0..255, scale = range / 255, zero point = round-half-even(-min / scale), q =
     * clamp(round-half-even(w / scale) + zero point, 0, 255). A row of zeros gets scale 1, zero point 0.
     */
    void quantizeAsymmetric(float[] w, int out, int in, byte[] q, ByteBuffer scales, byte[] zeroPoints) {
        float tensorLo = 0;
        float tensorHi = 0;
        if (!scheme.perChannel()) {
            for (float v : w) {
                tensorLo = Math.min(tensorLo, v);
                tensorHi = Math.max(tensorHi, v);
            }
        }
        for (int o = 0; o < out; o++) {
            float lo = tensorLo;
            float hi = tensorHi;
            if (scheme.perChannel()) {
                lo = 0;
                hi = 0;
                for (int i = 0; i < in; i++) {
                    lo = Math.min(lo, w[o * in + i]);
                    hi = Math.max(hi, w[o * in + i]);
                }
            }
            float scale = hi == lo ? 1f : (hi - lo) / 255f;
            int zero = (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
            if (scheme.perChannel() || o == 0) {
                scales.putFloat(scale);
                zeroPoints[scheme.perChannel() ? o : 0] = (byte) zero;
            }
            for (int i = 0; i < in; i++) {
                double v = Math.rint(w[o * in + i] / scale) + zero;
                q[i * out + o] = (byte) (int) Math.max(0, Math.min(255, v));
            }
        }
    }

    private float scale(float max) {
        return max == 0 ? 1f : max / scheme.limit();
    }

    /** The tensor's values as float32, whatever its dtype (F16 and BF16 widen exactly). */
    private static float[] read(SafetensorsTensor t) throws IOException {
        Dtype dtype = t.dtype().orElseThrow();
        ByteBuffer raw = ByteBuffer.allocate((int) t.length()).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel in = FileChannel.open(t.file(), StandardOpenOption.READ)) {
            while (raw.hasRemaining()) {
                if (in.read(raw, t.offset() + raw.position()) < 0) {
                    throw new IOException(t.file() + " ended inside tensor " + t.name());
                }
            }
        }
        raw.flip();
        float[] values = new float[(int) t.elements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (dtype) {
                case F32 -> raw.getFloat();
                case F16 -> Float32Conversion.half(raw.getShort());
                case BF16 -> Float.intBitsToFloat((raw.getShort() & 0xffff) << 16);
            };
        }
        return values;
    }

    private static long put(FileChannel out, MessageDigest digest, ByteBuffer data, long at) throws IOException {
        digest.update(data.duplicate());
        long n = 0;
        while (data.hasRemaining()) {
            n += out.write(data, at + n);
        }
        return n;
    }

    /** Zeros from {@code written} up to {@code to}, so the digest covers every byte of the file. */
    private static long pad(FileChannel out, MessageDigest digest, long written, long to) throws IOException {
        if (to > written) {
            put(out, digest, ByteBuffer.allocate((int) (to - written)), written);
        }
        return Math.max(written, to);
    }

    private static long align(long offset) {
        return (offset + ALIGN - 1) / ALIGN * ALIGN;
    }
}
