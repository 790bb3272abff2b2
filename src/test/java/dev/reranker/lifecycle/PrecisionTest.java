package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.config.ModelFormat;
import dev.reranker.config.Precision;
import dev.reranker.config.RerankerConfig;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.Configs;
import dev.reranker.support.Reference;
import dev.reranker.tokenize.EncodedPair;

/**
 * reranker.precision from configuration to the served model: int8 serves a directory's quantized ONNX export
 * (src/test/resources/models/tiny-bert-int8, made with onnxruntime.quantization.quantize_dynamic by
 * tools/oracle/make_int8_fixtures.py) beside its float32 graph, reports int8, and fails with one line naming the files
 * it looked for when there is none: a float32 graph is never served in its place.
 */
class PrecisionTest {

    @TempDir
    Path dir;

    /** tiny-bert's files, and its quantized export under onnx/ as the Hub's repositories keep it. */
    private Path tinyBertWithQuantizedExport() throws IOException {
        copyAll(Reference.modelDir("tiny-bert"), dir);
        Files.createDirectories(dir.resolve("onnx"));
        Files.copy(Path.of("src/test/resources/models/tiny-bert-int8/onnx/model_quantized.onnx"),
                dir.resolve("onnx/model_quantized.onnx"));
        return dir;
    }

    private static void copyAll(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    private static ModelLoader loader(Path model, String precision) {
        RerankerConfig config = Configs.fromEnvironment(Map.of("RERANKER_MODEL_PATH", model.toString(),
                "RERANKER_PRECISION", precision));
        return new ModelLoader(config);
    }

    @Test
    void int8ServesTheQuantizedExportAndSaysSo() throws IOException {
        Path model = tinyBertWithQuantizedExport();
        ModelLoader int8 = loader(model, "int8");
        ModelFiles files = int8.resolve();
        assertEquals(model.resolve("onnx/model_quantized.onnx").toAbsolutePath(), files.onnxFile());
        assertEquals(Precision.INT8, files.precision());
        ModelFiles fp32 = loader(model, "fp32").resolve();
        assertEquals(model.resolve("model.onnx").toAbsolutePath(), fp32.onnxFile());
        assertEquals(Precision.FP32, fp32.precision());

        LoadedModel loaded = int8.load(files);
        try {
            assertEquals("int8", loaded.serving().descriptor().precision());
            // The export is what quantize_dynamic makes by default (int8 weights over their full range, per
            // channel): on a CPU without VNNI its u8 x s8 products saturate, and its logits land up to 0.685 from
            // transformers' (docs/precision.md). Measured here; a served float32 graph would be within 1e-4.
            double worst = 0;
            for (Reference.Case c : Reference.cases("tiny-bert", 512, "flag")) {
                List<EncodedPair> pairs = new ArrayList<>();
                for (int d = 0; d < c.documents().size(); d++) {
                    pairs.add(new EncodedPair(c.inputIds().get(d), c.typeIds().get(d)));
                }
                float[] logits = loaded.serving().runner().run(pairs);
                for (int d = 0; d < logits.length; d++) {
                    worst = Math.max(worst, Math.abs(logits[d] - c.logits()[d]));
                }
            }
            assertTrue(worst > 0.01 && worst < 0.685, "largest |delta logit| of the quantized export: " + worst);
        } finally {
            loaded.close();
        }
    }

    @Test
    void int8WithoutAQuantizedExportFailsNamingWhatItLookedFor() throws IOException {
        copyAll(Reference.modelDir("tiny-bert"), dir);
        for (ModelFormat format : List.of(ModelFormat.AUTO, ModelFormat.ONNX)) {
            String message = assertThrows(ModelLoadException.class, () -> ModelLocator.local(dir, Optional.empty(),
                    Optional.empty(), format, dir.resolve("cache"), Precision.INT8)).getMessage();
            assertEquals(1, message.lines().count(), message);
            assertTrue(message.startsWith("Model directory " + dir.toAbsolutePath() + " has no quantized ONNX export"
                    + " for reranker.precision=int8 (looked for onnx/model_quantized.onnx, model_quantized.onnx,"
                    + " onnx/model_int8.onnx, model_int8.onnx, onnx/model_qint8_avx512_vnni.onnx"), message);
            assertTrue(message.contains("model_quint8_avx2.onnx") && message.endsWith("or set reranker.precision=fp32"),
                    message);
        }
        String demo = assertThrows(ModelLoadException.class, () -> new ModelLoader(Configs.fromEnvironment(Map.of(
                "RERANKER_PRECISION", "int8"))).resolve()).getMessage();
        assertTrue(demo.contains("the embedded demo model has no quantized export"), demo);
    }

    @Test
    void int8BuildsAQuantizedGraphFromSafetensorsAndReportsIt() throws IOException {
        copyAll(Reference.modelDir("st-xlmr"), dir);
        ModelLoader int8 = loader(dir, "int8");
        ModelFiles files = int8.resolve();
        assertEquals(dir.resolve("reranker-graph-int8.onnx").toAbsolutePath(), files.onnxFile());
        LoadedModel loaded = int8.load(files);
        try {
            assertEquals("int8", loaded.serving().descriptor().precision());
        } finally {
            loaded.close();
        }
    }
}
