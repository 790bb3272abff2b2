package dev.reranker.model.safetensors;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * One tensor of a safetensors file, as its header describes it.
 *
 * @param name the checkpoint's name, e.g. roberta.encoder.layer.0.attention.self.query.weight
 * @param dtypeName the header's dtype string (F32, BF16, I64, ...)
 * @param shape dimensions, outermost first (PyTorch's order: a Linear weight is [out, in])
 * @param file the safetensors file that holds it
 * @param offset absolute byte offset of its data in {@code file}: 8 + header length + data_offsets[0]
 * @param length bytes of data
 */
@SuppressWarnings("ArrayRecordComponent") // a shape read from the header, never compared
public record SafetensorsTensor(String name, String dtypeName, long[] shape, Path file, long offset, long length) {

    /** The element type, when the graph builder can use it. */
    public Optional<Dtype> dtype() {
        return Dtype.parse(dtypeName);
    }

    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SafetensorsTensor t && name.equals(t.name) && dtypeName.equals(t.dtypeName)
                && Arrays.equals(shape, t.shape) && file.equals(t.file) && offset == t.offset && length == t.length;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return name + " " + dtypeName + shapeText() + " in " + file.getFileName();
    }
}
