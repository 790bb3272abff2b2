package dev.reranker.model.safetensors;

import java.util.Optional;

/** The safetensors element types a graph can be built from. F16 and BF16 are converted to F32 once, when cached. */
public enum Dtype {
    F32(4),
    F16(2),
    BF16(2);

    private final int bytes;

    Dtype(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** The type a header names, if it is one of these; safetensors also has I64, U8, F8_E4M3, ... */
    static Optional<Dtype> parse(String name) {
        for (Dtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
