package dev.reranker.model;

import java.nio.file.Path;
import java.util.Optional;

import dev.reranker.config.Precision;

/**
 * The files of one cross-encoder, resolved on disk. The ONNX file is opened by path so that
 * external data ({@code model.onnx_data}, {@code model.onnx.data}) next to it resolves.
 *
 * @param name short name reported to clients (directory name unless configured)
 * @param location where the model came from, for logs and /info
 * @param onnxFile the ONNX graph
 * @param tokenizer tokenizer.json
 * @param config config.json, when present
 * @param demo true for the embedded toy model
 * @param precision the arithmetic of the graph's linear layers: a quantized export or built int8 graph is INT8
 */
public record ModelFiles(String name, String location, Path onnxFile, Path tokenizer, Optional<Path> config,
        boolean demo, Precision precision) {

    /** A float32 graph. */
    public ModelFiles(String name, String location, Path onnxFile, Path tokenizer, Optional<Path> config,
            boolean demo) {
        this(name, location, onnxFile, tokenizer, config, demo, Precision.FP32);
    }
}
