package dev.reranker.model.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import dev.reranker.model.safetensors.Dtype;

/**
 * Writes the F32 copy of a checkpoint's F16/BF16 tensors, once, into the graph's cache directory: ONNX Runtime's
 * CPU kernels compute in float32, and converting at every start would cost seconds per GB. Both conversions are
 * exact (every F16 and BF16 value is a float32 value).
 */
final class Float32Conversion {

    private static final int CHUNK_ELEMENTS = 1 << 20;

    private Float32Conversion() {
    }

    static void write(Path target, List<CheckpointWeights.Conversion> conversions, long size) throws IOException {
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (CheckpointWeights.Conversion c : conversions) {
                try (FileChannel in = FileChannel.open(c.source().file(), StandardOpenOption.READ)) {
                    convert(in, c, out);
                }
            }
            if (out.size() < size) {
                out.write(ByteBuffer.allocate(1), size - 1);
            }
        }
    }

    private static void convert(FileChannel in, CheckpointWeights.Conversion c, FileChannel out) throws IOException {
        long elements = c.source().elements();
        ByteBuffer src = ByteBuffer.allocate(CHUNK_ELEMENTS * 2).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer dst = ByteBuffer.allocate(CHUNK_ELEMENTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < elements; done += CHUNK_ELEMENTS) {
            int n = (int) Math.min(CHUNK_ELEMENTS, elements - done);
            src.clear().limit(n * 2);
            long at = c.source().offset() + done * 2;
            while (src.hasRemaining()) {
                if (in.read(src, at + src.position()) < 0) {
                    throw new IOException(c.source().file() + " ended inside tensor " + c.source().name());
                }
            }
            src.flip();
            dst.clear();
            for (int i = 0; i < n; i++) {
                short bits = src.getShort();
                dst.putFloat(c.dtype() == Dtype.BF16 ? Float.intBitsToFloat((bits & 0xffff) << 16) : half(bits));
            }
            dst.flip();
            long to = c.offset() + done * 4;
            while (dst.hasRemaining()) {
                to += out.write(dst, to);
            }
        }
    }

    /** IEEE 754 binary16 to float32 (Float.float16ToFloat arrived in Java 20). */
    static float half(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return Float.intBitsToFloat(sign);
            }
            // Subnormal: value = mantissa * 2^-24, exact in float32.
            float value = mantissa * 0x1p-24f;
            return sign == 0 ? value : -value;
        }
        return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
    }
}
