package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FileSelectionTest {

    /** The files of BAAI/bge-reranker-v2-m3 itself: weights in safetensors only. */
    static final Set<String> BAAI = Set.of(".gitattributes", "README.md", "config.json", "model.safetensors",
            "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json",
            "assets/llama-index.png");

    /** An optimum export pushed to the Hub: model.onnx with model.onnx.data next to it. */
    static final Set<String> OPTIMUM = Set.of("config.json", "model.onnx", "model.onnx.data", "ort_config.json",
            "sentencepiece.bpe.model", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json");

    /** The onnx-community layout: variants under onnx/, tokenizer at the root. */
    static final Set<String> COMMUNITY = Set.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "onnx/model.onnx", "onnx/model.onnx_data", "onnx/model_fp16.onnx", "onnx/model_quantized.onnx");

    @Test
    void rootModelOnnxWithItsTokenizerAndConfigs() {
        FileSelection s = FileSelection.select(OPTIMUM, Optional.empty(), "org/m", "repo");
        assertEquals("model.onnx", s.onnx());
        assertEquals("tokenizer.json", s.tokenizer());
        assertEquals(List.of("config.json", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json"),
                s.beforeOnnx());
        assertEquals(Optional.of("config.json"), s.config());
    }

    @Test
    void int8PicksTheQuantizedExportAndNeverTheFloat32Graph() {
        FileSelection community = FileSelection.select(COMMUNITY, Optional.empty(), "o/m", "r",
                dev.reranker.config.Precision.INT8);
        assertEquals("onnx/model_quantized.onnx", community.onnx());
        Set<String> xenova = Set.of("config.json", "tokenizer.json", "onnx/model.onnx",
                "onnx/model_qint8_avx512_vnni.onnx", "onnx/model_quint8_avx2.onnx");
        assertEquals("onnx/model_qint8_avx512_vnni.onnx", FileSelection.select(xenova, Optional.empty(), "o/m", "r",
                dev.reranker.config.Precision.INT8).onnx());
        String message = assertThrows(HubException.class, () -> FileSelection.select(OPTIMUM, Optional.empty(),
                "org/m", "Repository org/m", dev.reranker.config.Precision.INT8)).getMessage();
        assertTrue(message.startsWith("Repository org/m has no quantized ONNX export for reranker.precision=int8"
                + " (looked for onnx/model_quantized.onnx, model_quantized.onnx, onnx/model_int8.onnx"), message);
        assertTrue(message.contains("model_quint8_avx2.onnx") && message.contains("it has model.onnx"), message);
    }

    @Test
    void onnxFolderAndNamedVariant() {
        assertEquals("onnx/model.onnx", FileSelection.select(COMMUNITY, Optional.empty(), "o/m", "r").onnx());
        FileSelection fp16 = FileSelection.select(COMMUNITY, Optional.of("./onnx/model_fp16.onnx"), "o/m", "r");
        assertEquals("onnx/model_fp16.onnx", fp16.onnx());
        assertEquals("tokenizer.json", fp16.tokenizer());
    }

    @Test
    void aTokenizerNextToTheGraphIsFound() {
        FileSelection s = FileSelection.select(Set.of("onnx/model.onnx", "onnx/tokenizer.json", "onnx/config.json"),
                Optional.empty(), "o/m", "r");
        assertEquals("onnx/tokenizer.json", s.tokenizer());
        assertEquals(Optional.of("onnx/config.json"), s.config());
    }

    @Test
    void noOnnxSaysHowToExportOne() {
        HubException e = assertThrows(HubException.class,
                () -> FileSelection.select(BAAI, Optional.empty(), "BAAI/bge-reranker-v2-m3", "Repository X"));
        assertTrue(e.getMessage().startsWith("Repository X has no ONNX model (looked for model.onnx, onnx/model.onnx);"
                + " it holds no .onnx file at all. Export one with `optimum-cli export onnx --model"
                + " BAAI/bge-reranker-v2-m3 --task text-classification <dir>`"), e.getMessage());
    }

    @Test
    void aMissingVariantListsTheOnesThatExist() {
        HubException e = assertThrows(HubException.class,
                () -> FileSelection.select(COMMUNITY, Optional.of("onnx/model_int8.onnx"), "o/m", "r"));
        assertEquals("r has no onnx/model_int8.onnx (reranker.model.file / RERANKER_MODEL_FILE); it has"
                + " onnx/model.onnx, onnx/model_fp16.onnx, onnx/model_quantized.onnx: choose one with"
                + " reranker.model.file (RERANKER_MODEL_FILE)", e.getMessage());
        assertThrows(HubException.class, () -> FileSelection.select(COMMUNITY, Optional.of("../x.onnx"), "o/m", "r"));
    }
}
