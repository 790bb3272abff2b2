package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.model.ModelFiles;
import dev.reranker.support.Configs;
import dev.reranker.support.FakeHub;

/** Which source ModelLoader picks: a local path, else a Hub id, else the demo model. */
class ModelLoaderResolveTest {

    static final Path DEMO = Path.of("src/main/resources/demo-model");

    @TempDir
    Path cache;

    @Test
    void aLocalPathWinsOverAnIdWithoutAnyRequest() {
        try (FakeHub hub = new FakeHub().repo("test-org/tiny-xlmr", DEMO)) {
            ModelLoader loader = new ModelLoader(Configs.fromEnvironment(Map.of("RERANKER_MODEL_PATH",
                    DEMO.toString(), "RERANKER_MODEL_ID", "test-org/tiny-xlmr", "HF_ENDPOINT", hub.endpoint(),
                    "RERANKER_CACHE_DIR", cache.toString())));

            ModelFiles files = loader.resolve();

            assertEquals(DEMO.toAbsolutePath().normalize().resolve("model.onnx"), files.onnxFile());
            assertEquals(List.of(), hub.requests());
        }
    }

    @Test
    void anIdIsFetchedIntoTheConfiguredCache() {
        try (FakeHub hub = new FakeHub().repo("test-org/tiny-xlmr", DEMO)) {
            ModelLoader loader = new ModelLoader(Configs.fromEnvironment(Map.of("RERANKER_MODEL_ID",
                    "test-org/tiny-xlmr", "HF_ENDPOINT", hub.endpoint(), "HF_HUB_CACHE", cache.toString())));

            ModelFiles files = loader.resolve();

            assertEquals("test-org/tiny-xlmr", files.name());
            assertTrue(files.onnxFile().startsWith(cache.resolve("models--test-org--tiny-xlmr/snapshots")));
            assertFalse(files.demo());
        }
    }
}
