package dev.reranker.model;

import java.nio.file.Path;
import java.util.Optional;

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
 */
public record ModelFiles(String name, String location, Path onnxFile, Path tokenizer, Optional<Path> config,
        boolean demo) {
}
