package dev.reranker.model.graph;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Protocol Buffers encoding, by hand, for the few ONNX messages a cross-encoder graph needs ({@link OnnxGraph}).
 * Java has no ONNX graph builder, and onnx.proto compiled with protoc would bring protoc into the build and the
 * protobuf runtime (1.8 MB, with its own version conflicts beside Quarkus's) into the application, to write one
 * ~100 kB file at startup. The encoding needed is three wire types: varint, 32-bit and length-delimited.
 */
final class ProtoWriter {

    private static final int VARINT = 0;
    private static final int LEN = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        raw(value);
        return this;
    }

    ProtoWriter fixed32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write(bits >>> (8 * i) & 0xff);
        }
        return this;
    }

    ProtoWriter bytes(int field, byte[] value) {
        tag(field, LEN);
        raw(value.length);
        out.writeBytes(value);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter message) {
        return bytes(field, message.toByteArray());
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wire) {
        raw((long) field << 3 | wire);
    }

    private void raw(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
