package dev.reranker.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.reranker.config.ModelFormat;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.infer.SessionFactory;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.Reference;

/**
 * The graph cache (a second start builds nothing; a corrupt or stale graph is rebuilt; a directory that cannot be
 * written falls back to the cache directory without copying the weights), the choice between ONNX and safetensors,
 * and every way a checkpoint can be unservable: each one line naming the file and the tensor, with nothing written.
 */
class SafetensorsGraphTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private Path model(String name) throws IOException {
        return SafetensorsParityTest.copy(Reference.modelDir(name), work.resolve(name));
    }

    private Path fallback() {
        return work.resolve("graph-cache");
    }

    private PreparedGraph prepare(Path dir) {
        return SafetensorsGraph.prepare(dir, "reranker-graph", fallback());
    }

    /** The logit of one reference pair through the graph, against transformers. */
    private static void scoresLikeTransformers(PreparedGraph graph, String model) {
        Reference.Case c = Reference.all("safetensors/reference.json").stream()
                .filter(k -> k.model().equals(model) && k.truncation().equals("flag") && k.maxLength() == 512)
                .findFirst().orElseThrow();
        int pad = model.contains("bert") ? 0 : 1;
        try (OnnxScorer scorer = SessionFactory.open(graph.graph(), SafetensorsParityTest.settings(), pad)) {
            float logit = scorer.logits(List.of(c.inputIds().get(0)), c.typeIds() == null
                    ? List.of(new int[c.inputIds().get(0).length])
                    : List.of(c.typeIds().get(0)))[0];
            assertEquals(c.logits()[0], logit, 1e-4);
        }
    }

    @Test
    void aSecondStartBuildsNothing() throws IOException {
        Path dir = model("st-xlmr");
        PreparedGraph first = prepare(dir);
        assertTrue(first.built());
        assertEquals(dir.resolve("reranker-graph.onnx"), first.graph(), "beside the weights, which are read in place");
        byte[] bytes = Files.readAllBytes(first.graph());
        PreparedGraph second = prepare(dir);
        assertFalse(second.built());
        assertEquals(first.graph(), second.graph());
        assertArrayEquals(bytes, Files.readAllBytes(second.graph()));
        assertFalse(Files.exists(fallback()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of("config.json", "model.safetensors", "reranker-graph.json", "reranker-graph.onnx",
                    "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "no copy of the weights");
        }
        scoresLikeTransformers(second, "st-xlmr");
    }

    @Test
    void aCorruptCachedGraphIsRebuilt() throws IOException {
        Path dir = model("st-bert");
        PreparedGraph graph = prepare(dir);
        byte[] good = Files.readAllBytes(graph.graph());
        byte[] bad = good.clone();
        bad[bad.length / 2] ^= 0x5a;
        Files.write(graph.graph(), bad);
        PreparedGraph again = prepare(dir);
        assertTrue(again.built());
        assertArrayEquals(good, Files.readAllBytes(again.graph()));
        Files.write(graph.graph(), Arrays.copyOf(good, good.length / 3));
        assertTrue(prepare(dir).built(), "a truncated graph is rebuilt too");
        scoresLikeTransformers(prepare(dir), "st-bert");
    }

    @Test
    void aStaleCachedGraphIsRebuilt() throws IOException {
        Path dir = model("st-xlmr");
        byte[] before = Files.readAllBytes(prepare(dir).graph());
        editConfig(dir, c -> c.put("layer_norm_eps", 1e-6));
        PreparedGraph again = prepare(dir);
        assertTrue(again.built(), "config.json changed");
        assertFalse(Arrays.equals(before, Files.readAllBytes(again.graph())));
        Files.delete(dir.resolve("reranker-graph.json"));
        assertTrue(prepare(dir).built(), "a graph without its key is not trusted");
    }

    @Test
    void convertedHalfPrecisionWeightsAreCachedToo() throws IOException {
        Path dir = model("st-xlmr-bf16");
        PreparedGraph graph = prepare(dir);
        Path converted = dir.resolve("reranker-graph-f32.bin");
        assertTrue(Files.size(converted) > 2 * Files.size(dir.resolve("model.safetensors")) * 9 / 10);
        assertFalse(prepare(dir).built());
        try (FileChannel channel = FileChannel.open(converted, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(converted) / 2);
        }
        assertTrue(prepare(dir).built(), "incomplete converted weights are converted again");
        scoresLikeTransformers(graph, "st-xlmr-bf16");
    }

    @Test
    void whereTheWeightsCannotBeWrittenBesideTheGraphGoesToTheCacheDirectory() throws IOException {
        Path dir = model("st-xlmr");
        // Stands for a read-only model directory (tests run as root, for whom permission bits do not count):
        // the graph's name is taken by a non-empty directory, so writing it beside the weights fails.
        Files.createDirectories(dir.resolve("reranker-graph.onnx").resolve("taken"));
        PreparedGraph graph = prepare(dir);
        assertTrue(graph.built());
        assertTrue(graph.graph().startsWith(fallback()), graph.graph().toString());
        Path link = graph.graph().resolveSibling("model.safetensors");
        assertTrue(Files.isSameFile(link, dir.resolve("model.safetensors")), "a hard link, not a copy");
        assertFalse(prepare(dir).built());
        scoresLikeTransformers(graph, "st-xlmr");
    }

    @Test
    void autoPrefersAnOnnxGraphAndEachFormatSaysWhatIsMissing() throws IOException {
        Path both = model("st-xlmr");
        Files.copy(Reference.modelDir("tiny-xlmr").resolve("model.onnx"), both.resolve("model.onnx"));
        ModelFiles auto = ModelLocator.local(both, Optional.empty(), Optional.empty(), ModelFormat.AUTO, fallback());
        assertEquals(both.resolve("model.onnx"), auto.onnxFile());
        ModelFiles forced = ModelLocator.local(both, Optional.empty(), Optional.empty(), ModelFormat.SAFETENSORS,
                fallback());
        assertEquals(both.resolve("reranker-graph.onnx"), forced.onnxFile());

        Path safetensorsOnly = model("st-bert");
        String onnx = oneLine(() -> ModelLocator.local(safetensorsOnly, Optional.empty(), Optional.empty(),
                ModelFormat.ONNX, fallback()));
        assertTrue(onnx.contains("reranker.model.format is onnx") && onnx.contains("safetensors"), onnx);

        Path onnxOnly = work.resolve("onnx-only");
        Files.createDirectories(onnxOnly);
        for (String f : List.of("model.onnx", "tokenizer.json", "config.json")) {
            Files.copy(Reference.modelDir("tiny-xlmr").resolve(f), onnxOnly.resolve(f));
        }
        String safetensors = oneLine(() -> ModelLocator.local(onnxOnly, Optional.empty(), Optional.empty(),
                ModelFormat.SAFETENSORS, fallback()));
        assertTrue(safetensors.contains("neither model.safetensors nor model.safetensors.index.json"), safetensors);
    }

    @Test
    void anUnsupportedArchitectureIsNamedWithTheSupportedOnes() throws IOException {
        Path dir = model("st-xlmr");
        editConfig(dir, c -> c.putArray("architectures").add("GPT2ForSequenceClassification"));
        String message = failure(dir);
        assertTrue(message.contains(dir.resolve("config.json").toString())
                && message.contains("architecture [\"GPT2ForSequenceClassification\"] is not supported")
                && message.contains("supported: XLMRobertaForSequenceClassification, BertForSequenceClassification"),
                message);
    }

    @Test
    void aMissingShardIsNamed() throws IOException {
        Path dir = model("st-xlmr-sharded");
        Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
        String message = failure(dir);
        assertTrue(message.contains("Shard " + dir.resolve("model-00002-of-00002.safetensors") + " is missing")
                && message.contains("puts tensor "), message);
    }

    @Test
    void aTruncatedShardIsNamedWithItsTensor() throws IOException {
        Path dir = model("st-xlmr-sharded");
        Path shard = dir.resolve("model-00001-of-00002.safetensors");
        try (FileChannel channel = FileChannel.open(shard, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(shard) - 1000);
        }
        String message = failure(dir);
        assertTrue(message.contains(shard + " is truncated: tensor ") && message.contains("interrupted download"),
                message);
    }

    @Test
    void aShapeThatConfigJsonDoesNotMakeIsNamed() throws IOException {
        Path dir = model("st-bert");
        editConfig(dir, c -> c.put("intermediate_size", 48));
        String message = failure(dir);
        assertTrue(message.contains(dir.resolve("model.safetensors")
                + ": tensor bert.encoder.layer.0.intermediate.dense.weight has shape [64, 32], but config.json makes"
                + " it [48, 32]"), message);
    }

    @Test
    void anUnknownDtypeIsNamed() throws IOException {
        Path dir = model("st-xlmr");
        rewriteHeader(dir.resolve("model.safetensors"), h -> {
            ((ObjectNode) h.get("classifier.out_proj.weight")).put("dtype", "F8_E4M3");
            return h;
        });
        String message = failure(dir);
        assertTrue(message.contains(dir.resolve("model.safetensors") + ": tensor classifier.out_proj.weight has dtype"
                + " F8_E4M3, which is not supported; supported: F32, F16, BF16"), message);
    }

    @Test
    void aTensorTheArchitectureNeedsIsNamedWhenMissing() throws IOException {
        Path dir = model("st-xlmr");
        editConfig(dir, c -> c.put("num_hidden_layers", 3));
        String message = failure(dir);
        assertTrue(message.contains("has no tensor roberta.encoder.layer.2.attention.self.query.weight"), message);
    }

    /** The failure's message, checked to be one line with nothing written anywhere. */
    private String failure(Path dir) throws IOException {
        String message = oneLine(() -> prepare(dir));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("reranker-graph")),
                    "a failed build writes nothing");
        }
        assertFalse(Files.exists(fallback()));
        return message;
    }

    private static String oneLine(org.junit.jupiter.api.function.Executable call) {
        String message = assertThrows(ModelLoadException.class, call).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static void editConfig(Path dir, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectNode config = (ObjectNode) JSON.readTree(dir.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(dir.resolve("config.json").toFile(), config);
    }

    /** Rewrites a safetensors header, keeping the data (offsets are relative to the data, so they stay valid). */
    private static void rewriteHeader(Path file, UnaryOperator<ObjectNode> edit) throws IOException {
        byte[] all = Files.readAllBytes(file);
        long length = ByteBuffer.wrap(all, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) JSON.readTree(new String(all, 8, (int) length, StandardCharsets.UTF_8));
        byte[] rewritten = JSON.writeValueAsBytes(edit.apply(header));
        ByteBuffer out = ByteBuffer.allocate(8 + rewritten.length + all.length - 8 - (int) length)
                .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(rewritten.length).put(rewritten).put(all, 8 + (int) length, all.length - 8 - (int) length);
        Files.write(file, out.array());
    }
}
