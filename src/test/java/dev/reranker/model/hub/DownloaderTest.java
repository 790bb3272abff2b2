package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.support.FakeHub;

class DownloaderTest {

    static final String REPO = "test-org/tiny-xlmr-external";
    static final String DATA = "model.onnx_data";

    @TempDir
    Path cache;
    FakeHub hub;
    HubSettings settings;
    HubClient client;

    @BeforeEach
    void start() {
        hub = new FakeHub().repo(REPO, HubModelResolverTest.EXTERNAL);
        settings = new HubSettings(URI.create(hub.endpoint()), Optional.empty(), false, cache, Duration.ofSeconds(1),
                Duration.ofSeconds(5), Duration.ofSeconds(5), 3, Duration.ofMillis(10), true);
        client = new HubClient(settings);
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aDiskWithoutRoomStopsBeforeTheDownloadWithOneClearMessage() {
        Downloader downloader = new Downloader(client, settings, line -> {
        }, System::nanoTime, dir -> 1024 * 1024);
        RepoRef repo = new RepoRef(REPO, "main");
        HubCache layout = new HubCache(cache, repo);
        String commit = hub.commit(REPO);
        FileMetadata meta = client.metadata(repo, commit, DATA);

        HubException e = assertThrows(HubException.class, () -> downloader.fetch(layout, repo, commit, DATA, meta));

        assertEquals("Not enough disk space for " + REPO + " " + DATA + ": it needs 2.3 MB more and "
                + layout.blob(meta.etag()).getParent() + " has 1.0 MB free; free space or point reranker.cache-dir"
                + " (HF_HUB_CACHE) at a larger volume", e.getMessage());
        assertEquals(List.of(), hub.downloads(DATA));
        assertFalse(Files.exists(layout.blob(meta.etag())));
    }
}
