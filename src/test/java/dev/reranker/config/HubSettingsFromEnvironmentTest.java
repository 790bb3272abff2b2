package dev.reranker.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.reranker.model.hub.HubSettings;
import dev.reranker.support.Configs;

/**
 * huggingface_hub's environment variables reach the service only through RerankerConfig's defaults; these tests
 * feed a made-up environment to the same mapping.
 */
class HubSettingsFromEnvironmentTest {

    static RerankerConfig config(Map<String, String> environment) {
        return Configs.fromEnvironment(environment);
    }

    @Test
    void theVariablesOfHuggingfaceHubAreRead() {
        RerankerConfig config = config(Map.of("RERANKER_MODEL_ID", "BAAI/bge-reranker-v2-m3", "HF_ENDPOINT",
                "https://hf-mirror.example/", "HF_TOKEN", "hf_abc", "HF_HUB_OFFLINE", "1", "HF_HOME", "/data/hf"));

        assertEquals(Optional.of("BAAI/bge-reranker-v2-m3"), config.model().id());
        assertEquals("main", config.model().revision());
        HubSettings hub = HubSettings.from(config);
        assertEquals(URI.create("https://hf-mirror.example"), hub.endpoint());
        assertEquals(Optional.of("hf_abc"), hub.token());
        assertTrue(hub.offline());
        assertEquals(Path.of("/data/hf/hub"), hub.cacheDir());
    }

    @Test
    void hfHubCacheWinsOverHfHomeAndTheServiceSettingWinsOverBoth() {
        assertEquals("/cache", config(Map.of("HF_HUB_CACHE", "/cache", "HF_HOME", "/data/hf")).cacheDir());
        assertEquals("/models", config(Map.of("RERANKER_CACHE_DIR", "/models", "HF_HUB_CACHE", "/cache"))
                .cacheDir());
        assertEquals("/xdg/huggingface/hub", config(Map.of("XDG_CACHE_HOME", "/xdg")).cacheDir());
    }

    @Test
    void withNothingSetTheDefaultsAreHuggingfaceHubs() {
        RerankerConfig config = config(Map.of("HF_TOKEN", ""));
        HubSettings hub = HubSettings.from(config);

        assertEquals(URI.create("https://huggingface.co"), hub.endpoint());
        assertEquals(Optional.empty(), hub.token());
        assertFalse(hub.offline());
        assertEquals(Path.of(System.getProperty("user.home"), ".cache/huggingface/hub"), hub.cacheDir());
        assertTrue(hub.verifyCache());
    }
}
