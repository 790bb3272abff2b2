package dev.reranker.model.graph;

import java.nio.file.Path;

/**
 * An ONNX graph ready for ONNX Runtime, built from a safetensors checkpoint.
 *
 * @param graph the ONNX file; its external data (links to the safetensors files, converted weights) is beside it
 * @param built true when it was built now, false when a valid cached one was found
 */
public record PreparedGraph(Path graph, boolean built) {
}
