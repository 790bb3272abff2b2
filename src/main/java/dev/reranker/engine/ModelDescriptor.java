package dev.reranker.engine;

/**
 * What clients and probes are told about the model being served.
 *
 * @param name short name (echoed as Cohere's model)
 * @param location directory or source of the files
 * @param onnxFile the ONNX graph loaded
 * @param device cpu or cuda:N
 * @param maxLength longest pair fed to the model
 * @param modelLimit longest input the model's position embeddings allow, 0 when unknown
 * @param demo true for the embedded toy model
 * @param loadMillis time to load and warm up
 * @param warmUpSecondsPerToken seconds per padded token of the timed warm-up batch: the seed of the scheduler's
 *        throughput estimate
 * @param precision arithmetic of the encoder's linear layers: fp32 or int8 (reranker.precision)
 */
public record ModelDescriptor(String name, String location, String onnxFile, String device, int maxLength,
        int modelLimit, boolean demo, long loadMillis, double warmUpSecondsPerToken, String precision) {
}
