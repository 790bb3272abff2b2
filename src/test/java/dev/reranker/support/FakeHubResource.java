package dev.reranker.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts a {@link FakeHub} before the application, so that the endpoint exists when the model loader asks it, and
 * points the application at it with an empty cache. Init args: {@code repo} (id to serve, from
 * {@link Reference#modelDir}), {@code gate} (optional file whose download is held until released).
 */
public class FakeHubResource implements QuarkusTestResourceLifecycleManager {

    private Map<String, String> args = Map.of();
    private FakeHub hub;
    private Path cache;

    @Override
    public void init(Map<String, String> initArgs) {
        args = initArgs;
    }

    @Override
    public Map<String, String> start() {
        String repo = args.getOrDefault("repo", "test-org/tiny-xlmr-external");
        hub = new FakeHub().repo(repo, Reference.modelDir(repo.substring(repo.indexOf('/') + 1)));
        if (args.containsKey("gate")) {
            hub.gate(args.get("gate"));
        }
        try {
            cache = Files.createTempDirectory("reranker-hub-cache-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("reranker.model.id", repo);
        config.put("reranker.hub.endpoint", hub.endpoint());
        // Explicit, so an HF_TOKEN or HF_HUB_OFFLINE in the developer's environment cannot change the test.
        config.put("reranker.hub.token", FakeHub.TOKEN);
        config.put("reranker.hub.offline", "false");
        config.put("reranker.cache-dir", cache.toString());
        config.put("reranker.hub.progress-interval", "100ms");
        return config;
    }

    @Override
    public void stop() {
        if (hub != null) {
            hub.close();
        }
        if (cache != null) {
            try (Stream<Path> files = Files.walk(cache)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
