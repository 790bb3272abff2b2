package dev.reranker.config;

/** Which weights of a model directory or repository are served. */
public enum ModelFormat {
    /** The ONNX graph when there is one, else the safetensors weights. */
    AUTO,
    /** An ONNX graph (model.onnx, onnx/model.onnx, or reranker.model.file). */
    ONNX,
    /** model.safetensors (or its shards) with config.json: the service builds the graph itself. */
    SAFETENSORS
}
