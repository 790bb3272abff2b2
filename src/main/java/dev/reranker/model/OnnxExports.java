package dev.reranker.model;

import java.util.List;

import dev.reranker.config.Precision;

/**
 * The ONNX files a directory or repository is searched for, by precision, when reranker.model.file does not name
 * one. The int8 names are those the usual exporters write: optimum's {@code ORTQuantizer} and the Hub's
 * {@code onnx/} folders ({@code model_quantized.onnx}, {@code model_qint8_avx512_vnni.onnx}, ...,
 * {@code model_quint8_avx2.onnx}), and {@code model_int8.onnx}; the first one present is served.
 */
public final class OnnxExports {

    public static final List<String> FP32 = List.of("model.onnx", "onnx/model.onnx");
    public static final List<String> INT8 = List.of(
            "onnx/model_quantized.onnx", "model_quantized.onnx",
            "onnx/model_int8.onnx", "model_int8.onnx",
            "onnx/model_qint8_avx512_vnni.onnx", "model_qint8_avx512_vnni.onnx",
            "onnx/model_qint8_avx512.onnx", "model_qint8_avx512.onnx",
            "onnx/model_quint8_avx2.onnx", "model_quint8_avx2.onnx",
            "onnx/model_qint8_arm64.onnx", "model_qint8_arm64.onnx");

    private OnnxExports() {
    }

    public static List<String> of(Precision precision) {
        return precision == Precision.INT8 ? INT8 : FP32;
    }
}
