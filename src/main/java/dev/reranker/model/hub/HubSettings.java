package dev.reranker.model.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.reranker.config.RerankerConfig;

/**
 * Everything the Hub client, cache and downloader need from the configuration, in one value so that tests can build
 * it without Quarkus.
 *
 * @param endpoint the Hub or a mirror, without trailing slash
 * @param token bearer token for gated and private repositories
 * @param offline cache only, no connection at all
 * @param cacheDir root of the huggingface_hub style cache
 * @param progressInterval how often a running download logs
 * @param connectTimeout TCP connect timeout
 * @param readTimeout a download stalled this long is cut and resumed
 * @param maxAttempts attempts per request or download
 * @param retryBackoff pause before the second attempt, doubled each time
 * @param verifyCache re-hash cached files before serving them
 */
public record HubSettings(URI endpoint, Optional<String> token, boolean offline, Path cacheDir,
        Duration progressInterval, Duration connectTimeout, Duration readTimeout, int maxAttempts,
        Duration retryBackoff, boolean verifyCache) {

    public HubSettings {
        String base = endpoint.toString();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        endpoint = URI.create(base);
        token = token.map(String::strip).filter(t -> !t.isEmpty());
    }

    public static HubSettings from(RerankerConfig config) {
        RerankerConfig.Hub hub = config.hub();
        return new HubSettings(URI.create(hub.endpoint().strip()), hub.token(), hub.offline(),
                Path.of(config.cacheDir()).toAbsolutePath().normalize(), hub.progressInterval(), hub.connectTimeout(),
                hub.readTimeout(), hub.maxAttempts(), hub.retryBackoff(), hub.verifyCache());
    }

    /** The pause before attempt {@code attempt} (2 = first retry). */
    Duration backoff(int attempt) {
        long millis = retryBackoff.toMillis() << Math.min(attempt - 2, 10);
        return Duration.ofMillis(Math.min(millis, 30_000));
    }
}
