package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.OnnxFixtures;
import dev.reranker.support.Reference;
import io.quarkus.test.junit.QuarkusTest;

/** A model that cannot be served fails with one message naming the file and the problem. */
@QuarkusTest
class ModelLoaderTest {

    @Inject
    ModelLoader loader;

    @TempDir
    Path dir;

    private Path copyOfTinyXlmr() throws IOException {
        for (String file : new String[] { "model.onnx", "tokenizer.json", "config.json" }) {
            Files.copy(Reference.modelDir("tiny-xlmr").resolve(file), dir.resolve(file));
        }
        return dir;
    }

    private String failure(Path model) {
        return assertThrows(ModelLoadException.class,
                () -> loader.load(ModelLocator.local(model, Optional.empty(), Optional.empty()))).getMessage();
    }

    @Test
    void missingDirectory() {
        Path missing = dir.resolve("nowhere");
        String message = assertThrows(ModelLoadException.class,
                () -> ModelLocator.local(missing, Optional.empty(), Optional.empty())).getMessage();
        assertTrue(message.contains(missing.toString()) && message.contains("does not exist"), message);
    }

    @Test
    void missingTokenizerOrOnnx() throws IOException {
        Files.writeString(dir.resolve("model.onnx"), "x");
        String message = assertThrows(ModelLoadException.class,
                () -> ModelLocator.local(dir, Optional.empty(), Optional.empty())).getMessage();
        assertTrue(message.contains("no tokenizer.json"), message);
        Files.delete(dir.resolve("model.onnx"));
        Files.copy(Reference.modelDir("tiny-xlmr").resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        message = assertThrows(ModelLoadException.class,
                () -> ModelLocator.local(dir, Optional.empty(), Optional.empty())).getMessage();
        assertTrue(message.contains("neither model.onnx nor onnx/model.onnx") && message.contains("optimum-cli"),
                message);
        message = assertThrows(ModelLoadException.class,
                () -> ModelLocator.local(dir, Optional.of("onnx/model_fp16.onnx"), Optional.empty())).getMessage();
        assertTrue(message.contains("onnx/model_fp16.onnx") && message.contains("does not exist"), message);
    }

    @Test
    void findsOnnxSubdirectoryAndNamedVariants() throws IOException {
        copyOfTinyXlmr();
        Files.createDirectories(dir.resolve("onnx"));
        Files.move(dir.resolve("model.onnx"), dir.resolve("onnx/model.onnx"));
        ModelFiles found = ModelLocator.local(dir, Optional.empty(), Optional.empty());
        assertEquals(dir.resolve("onnx/model.onnx").toAbsolutePath(), found.onnxFile());
        Files.copy(dir.resolve("onnx/model.onnx"), dir.resolve("onnx/model_quantized.onnx"));
        ModelFiles variant = ModelLocator.local(dir, Optional.of("onnx/model_quantized.onnx"), Optional.of("named"));
        assertEquals("named", variant.name());
        try (LoadedModel model = loader.load(variant)) {
            assertEquals("cpu", model.serving().descriptor().device());
        }
    }

    @Test
    void corruptOnnx() throws IOException {
        copyOfTinyXlmr();
        Files.write(dir.resolve("model.onnx"), new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        String message = failure(dir);
        assertTrue(message.startsWith("ONNX Runtime cannot load " + dir.resolve("model.onnx")), message);
    }

    @Test
    void tokenizerThatDoesNotParse() throws IOException {
        copyOfTinyXlmr();
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"model\": ");
        String message = failure(dir);
        assertTrue(message.startsWith("Cannot load tokenizer " + dir.resolve("tokenizer.json")), message);
    }

    @Test
    void configThatDoesNotParse() throws IOException {
        copyOfTinyXlmr();
        Files.writeString(dir.resolve("config.json"), "not json");
        String message = failure(dir);
        assertTrue(message.startsWith("Cannot parse " + dir.resolve("config.json")), message);
    }

    @Test
    void graphThatIsNotACrossEncoder() throws IOException {
        copyOfTinyXlmr();
        OnnxFixtures.imageModel(dir.resolve("model.onnx"));
        String message = failure(dir);
        assertTrue(message.startsWith(dir.resolve("model.onnx") + " is not a cross-encoder"), message);
    }

    @Test
    void maxLengthBeyondThePositionEmbeddings() throws IOException {
        copyOfTinyXlmr();
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json"))
                .replace("\"max_position_embeddings\": 514", "\"max_position_embeddings\": 258"));
        String message = failure(dir);
        assertTrue(message.contains("reranker.max-length=512 exceeds") && message.contains("256 tokens"), message);
    }
}
