package dev.reranker.infer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import ai.onnxruntime.OrtProvider;
import dev.reranker.config.Device;
import dev.reranker.model.ModelLoadException;
import dev.reranker.support.OnnxFixtures;
import dev.reranker.support.Reference;

class SessionFactoryTest {

    private static final Path TINY_XLMR = Reference.modelDir("tiny-xlmr").resolve("model.onnx");

    @TempDir
    Path dir;

    private static SessionSettings settings(Device device) {
        return new SessionSettings(device, 1, true, true, 0, OptionalLong.empty(), "kSameAsRequested", "HEURISTIC",
                true, false);
    }

    @Test
    void cudaFailsStartupWhenTheProviderIsMissing() {
        assertFalse(EnumSet.copyOf(ai.onnxruntime.OrtEnvironment.getAvailableProviders()).contains(OrtProvider.CUDA),
                "this test runs against the CPU build of ONNX Runtime");
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> SessionFactory.open(TINY_XLMR, settings(Device.CUDA), 1));
        assertTrue(e.getMessage().contains("reranker.device=cuda"), e.getMessage());
        assertTrue(e.getMessage().contains("CUDA execution provider"), e.getMessage());
        assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
    }

    @Test
    void autoFallsBackToCpu() {
        try (OnnxScorer scorer = SessionFactory.open(TINY_XLMR, settings(Device.AUTO), 1)) {
            assertEquals("cpu", scorer.device());
            assertEquals(1, scorer.logits(List.of(new int[] { 0, 5, 2 }), List.of(new int[3])).length);
        }
    }

    @Test
    void autoFallsBackToCpuWhenTheProviderFailsToLoad() {
        // The CPU build cannot add CUDA even when told it exists: the failure path of a GPU image whose
        // CUDA libraries are missing.
        try (OnnxScorer scorer = SessionFactory.open(TINY_XLMR, settings(Device.AUTO), 1,
                EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA))) {
            assertEquals("cpu", scorer.device());
        }
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SessionFactory.open(TINY_XLMR,
                settings(Device.CUDA), 1, EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA)));
        assertTrue(e.getMessage().startsWith("reranker.device=cuda but the CUDA execution provider cannot be used"),
                e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(OnnxFixtures.Output.class)
    void readsEveryLogitLayout(OnnxFixtures.Output output) throws IOException {
        for (boolean int32 : new boolean[] { false, true }) {
            Path file = dir.resolve(output + "-" + int32 + ".onnx");
            OnnxFixtures.sumOfIds(file, output, int32);
            try (OnnxScorer scorer = SessionFactory.open(file, settings(Device.CPU), 1)) {
                float[] logits = scorer.logits(List.of(new int[] { 3, 4, 5 }, new int[] { 10, 20 }, new int[] { 7 }),
                        List.of(new int[3], new int[2], new int[1]));
                // Padding positions carry the pad id 1 but are masked out of the sum.
                assertArrayEquals(new float[] { 12, 30, 7 }, logits, 0f, output + " int32=" + int32);
            }
        }
    }

    @Test
    void refusesAGraphThatIsNotACrossEncoder() throws IOException {
        Path file = dir.resolve("image.onnx");
        OnnxFixtures.imageModel(file);
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> SessionFactory.open(file, settings(Device.CPU), 0));
        assertTrue(e.getMessage().startsWith(file + " is not a cross-encoder"), e.getMessage());
        assertTrue(e.getMessage().contains("pixel_values"), e.getMessage());
    }
}
