package dev.reranker.config;

import java.util.Locale;

/** The arithmetic of the encoder's linear layers. */
public enum Precision {
    /** float32 throughout, as the weights were trained. */
    FP32,
    /**
     * int8 weights for every linear layer of the encoder, activations quantized per batch at run time; embeddings,
     * LayerNorm, softmax and the classifier head stay float32.
     */
    INT8;

    /** The setting's own spelling: fp32, int8. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
