package dev.reranker.api;

/**
 * Optional body of POST /admin/model/load: another model directory, and/or an ONNX file inside it.
 * Without a body the current model is loaded again.
 */
record AdminLoadRequest(String path, String file) {
}
