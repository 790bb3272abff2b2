package dev.reranker.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.reranker.config.ModelFormat;
import dev.reranker.config.Precision;
import dev.reranker.model.ModelConfig;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.Reference;

/**
 * The int8 graph the service builds from a safetensors checkpoint: what it contains, how it is cached, and how far its
 * scores are from the float32 graph's. The bounds are the figures measured on this repository's fixtures and
 * published in docs/precision.md (bench/int8_fidelity.sh prints them), so a change that makes int8 less faithful
 * fails here.
 */
class Int8GraphTest {

    @TempDir
    Path work;

    /** Bounds of one model and query set: measured values, rounded in the direction that keeps them true. */
    private record Bounds(double meanSpearman, double minSpearman, double top1, double top3, double maxLogitDelta,
            double maxScoreDelta) {
        void check(Int8Fidelity.Figures f, String what) {
            assertTrue(f.meanSpearman() >= meanSpearman, what + ": mean Spearman " + f);
            assertTrue(f.minSpearman() >= minSpearman, what + ": least Spearman " + f);
            assertTrue(f.top1() >= top1, what + ": top-1 agreement " + f);
            assertTrue(f.top3() >= top3, what + ": top-3 agreement " + f);
            assertTrue(f.maxLogitDelta() <= maxLogitDelta, what + ": largest |delta logit| " + f);
            assertTrue(f.maxScoreDelta() <= maxScoreDelta, what + ": largest |delta score| " + f);
            assertEquals(1.0, f.decisiveTop1(), what + ": a top-1 that float32 does not leave near a tie moved " + f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "st-xlmr", "st-bert" })
    void int8ScoresStayWithinTheMeasuredDistanceOfFloat32(String model) throws IOException {
        Path dir = SafetensorsParityTest.copy(Reference.modelDir(model), work.resolve(model));
        ModelFiles fp32 = ModelLocator.local(dir, Optional.empty(), Optional.empty(), ModelFormat.AUTO,
                work.resolve("cache"), Precision.FP32);
        ModelFiles int8 = ModelLocator.local(dir, Optional.empty(), Optional.empty(), ModelFormat.AUTO,
                work.resolve("cache"), Precision.INT8);
        assertEquals(Precision.INT8, int8.precision());
        assertEquals("reranker-graph-int8.onnx", int8.onnxFile().getFileName().toString());
        int pad = ModelConfig.read(dir.resolve("config.json")).padTokenId().orElseThrow();
        Int8Fidelity.Figures reference = Int8Fidelity.compare(fp32.onnxFile(), int8.onnxFile(), pad,
                Int8Fidelity.referenceQueries(model, dir));
        Int8Fidelity.Figures set = Int8Fidelity.compare(fp32.onnxFile(), int8.onnxFile(), pad,
                Int8Fidelity.fidelityQueries(model, dir));
        assertEquals(12, reference.queries());
        assertEquals(40, set.queries());
        if (model.equals("st-xlmr")) {
            new Bounds(0.988, 0.928, 0.833, 1.0, 0.021, 0.0051).check(reference, model + " reference pairs");
            new Bounds(0.995, 0.972, 0.90, 0.85, 0.068, 0.017).check(set, model + " fidelity set");
            assertEquals(10, set.decisive());
        } else {
            new Bounds(0.981, 0.927, 0.833, 0.833, 0.0073, 0.0017).check(reference, model + " reference pairs");
            new Bounds(0.991, 0.917, 0.90, 0.925, 0.055, 0.013).check(set, model + " fidelity set");
        }
    }

    @Test
    void everyEncoderLinearLayerIsQuantizedAndTheHeadIsNot() throws IOException {
        Path dir = SafetensorsParityTest.copy(Reference.modelDir("st-bert"), work.resolve("st-bert"));
        PreparedGraph graph = SafetensorsGraph.prepare(dir, "reranker-graph", work.resolve("cache"), Precision.INT8);
        String proto = new String(Files.readAllBytes(graph.graph()), StandardCharsets.ISO_8859_1);
        // 2 layers x (query, key, value, attention output, intermediate, output).
        assertEquals(12, count(proto, "DynamicQuantizeMatMul"));
        // Each int8 weight is named twice: as an initializer and as a node's input.
        assertEquals(2 * 12, count(proto, ".weight_int8"));
        // The pooler and the classifier stay float32 FusedMatMuls over the safetensors weights; so do the
        // attention scores (query x key).
        assertTrue(proto.contains("bert.pooler.dense.weight") && proto.contains("classifier.weight"));
        assertEquals(2 + 2, count(proto, "FusedMatMul"));
        assertEquals(count(proto, "attention.self.query.weight_"), count(proto, "attention.self.query.weight"),
                "the float32 query weights are not in the graph, only their int8 copy and its scales");
        Path weights = dir.resolve("reranker-graph-int8-weights.bin");
        // 2 x (4 x 32x32 + 2 x 32x64) int8 weights, and their scales, each on a page boundary.
        assertTrue(Files.size(weights) > 2 * (4 * 32 * 32 + 2 * 32 * 64), Long.toString(Files.size(weights)));
    }

    @Test
    void theInt8GraphIsCachedBesideTheFloat32OneAndRebuiltWhenCorruptOrStale() throws IOException {
        Path dir = SafetensorsParityTest.copy(Reference.modelDir("st-xlmr"), work.resolve("st-xlmr"));
        Path cache = work.resolve("cache");
        assertTrue(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.INT8).built());
        assertTrue(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.FP32).built());
        PreparedGraph again = SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.INT8);
        assertFalse(again.built(), "a second start builds nothing");
        assertFalse(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.FP32).built());
        Path weights = dir.resolve("reranker-graph-int8-weights.bin");
        byte[] good = Files.readAllBytes(weights);

        byte[] flipped = good.clone();
        flipped[100] ^= 1;
        Files.write(weights, flipped);
        assertTrue(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.INT8).built(),
                "one flipped byte in the quantized weights is found and rebuilt");
        assertArrayEquals(good, Files.readAllBytes(weights));

        Files.write(weights, List.of("short"));
        assertTrue(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.INT8).built());
        assertArrayEquals(good, Files.readAllBytes(weights));

        // The quantized weights are a copy: new weights in the same file (same header) make them stale.
        Files.setLastModifiedTime(dir.resolve("model.safetensors"), FileTime.fromMillis(1_000_000));
        assertTrue(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.INT8).built());
        assertFalse(SafetensorsGraph.prepare(dir, "reranker-graph", cache, Precision.FP32).built(),
                "the float32 graph reads its weights in place: it stays valid");
    }

    @Test
    void quantizationIsSymmetricPerOutputChannelAndTransposed() {
        Int8Weights weights = new Int8Weights(Int8Weights.Scheme.DEFAULT, "w.bin");
        // [out=2, in=3]: row 0 has largest magnitude 6.3, row 1 0.63.
        float[] w = { 6.3f, -3.15f, 0.05f, 0.63f, 0.0f, -0.315f };
        byte[] q = new byte[6];
        java.nio.ByteBuffer scales = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        weights.quantize(w, 2, 3, q, scales);
        assertEquals(0.1f, scales.getFloat(0), 1e-7);
        assertEquals(0.01f, scales.getFloat(4), 1e-8);
        // [in=3, out=2]: column 0 is row 0 of w.
        assertArrayEquals(new byte[] { 63, 63, -32, 0, 0, -32 }, q);
    }

    @Test
    void asymmetricQuantizationMapsEachChannelsRangeOntoUint8WithAZeroPoint() {
        Int8Weights weights = new Int8Weights(Int8Weights.Scheme.parse("per-channel/u8-asym"), "w.bin");
        // [out=2, in=3]: row 0 spans [-1.02, 1.53] (scale 0.01, zero point 102), row 1 [0, 2.55] (min taken as 0:
        // scale 0.01, zero point 0).
        float[] w = { 1.53f, -1.02f, 0.004f, 2.55f, 0.0f, 1.0f };
        byte[] q = new byte[6];
        byte[] zeros = new byte[2];
        java.nio.ByteBuffer scales = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        weights.quantizeAsymmetric(w, 2, 3, q, scales, zeros);
        assertEquals(0.01f, scales.getFloat(0), 1e-7);
        assertEquals(0.01f, scales.getFloat(4), 1e-7);
        assertArrayEquals(new byte[] { 102, 0 }, zeros);
        // [in=3, out=2], as unsigned: 255, 255 / 0, 0 / 102, 100.
        assertArrayEquals(new byte[] { (byte) 255, (byte) 255, 0, 0, 102, 100 }, q);
        assertEquals("per-tensor/u8-asym", Int8Weights.Scheme.parse("per-tensor/u8-asym").label());
        assertEquals(Int8Weights.Scheme.DEFAULT, Int8Weights.Scheme.parse(Int8Weights.Scheme.DEFAULT.label()));
    }

    @ParameterizedTest
    @ValueSource(strings = { "per-channel/u8-asym", "per-tensor/u8-asym" })
    void asymmetricWeightsScoreCloseToFloat32(String label) throws IOException {
        Path dir = SafetensorsParityTest.copy(Reference.modelDir("st-xlmr"), work.resolve("st-xlmr"));
        Int8Fidelity.Figures f = Int8Fidelity.compare(dir, work.resolve("cache"), Int8Weights.Scheme.parse(label),
                Int8Fidelity.fidelityQueries("st-xlmr", dir));
        // Rounding alone (the fixture's logits are within a few tenths of each other) keeps the order close;
        // a wrong zero point or layout would scatter it.
        assertTrue(f.meanSpearman() > 0.98 && f.maxLogitDelta() < 0.1, f.toString());
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }
}
