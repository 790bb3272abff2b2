package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.FakeHub;

/** The protocol details huggingface_hub relies on, read the way it reads them. */
class HubClientTest {

    static final String REPO = "test-org/tiny-xlmr-external";
    FakeHub hub;
    HubClient client;

    @BeforeEach
    void start() {
        hub = new FakeHub().repo(REPO, HubModelResolverTest.EXTERNAL);
        client = new HubClient(new HubSettings(URI.create(hub.endpoint() + "/"), Optional.empty(), false,
                Path.of("unused"), Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5), 2,
                Duration.ofMillis(10), true));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void theListingGivesTheCommitAndEveryFileWithItsSize() {
        RepoListing listing = client.listing(new RepoRef(REPO, "main"));

        assertEquals(hub.commit(REPO), listing.commit());
        assertEquals(OptionalLong.of(hub.bytes(REPO, "model.onnx_data").length),
                listing.files().get("model.onnx_data"));
        assertEquals(6, listing.files().size());
    }

    @Test
    void anLfsFileIsNamedByItsSha256AndLivesOnTheCdn() {
        FileMetadata meta = client.metadata(new RepoRef(REPO, "main"), hub.commit(REPO), "model.onnx_data");

        assertEquals(hub.etag(REPO, "model.onnx_data"), meta.etag());
        assertEquals(64, meta.etag().length());
        assertEquals(OptionalLong.of(hub.bytes(REPO, "model.onnx_data").length), meta.size());
        assertFalse(meta.sameHost(), meta.location().toString());
    }

    @Test
    void aSmallFileIsNamedByItsGitBlobIdAndServedByTheHub() {
        FileMetadata meta = client.metadata(new RepoRef(REPO, "main"), hub.commit(REPO), "config.json");

        assertEquals(hub.etag(REPO, "config.json"), meta.etag());
        assertEquals(40, meta.etag().length());
        assertEquals(OptionalLong.of(hub.bytes(REPO, "config.json").length), meta.size());
        assertTrue(meta.sameHost());
        assertEquals(URI.create(hub.endpoint() + "/" + REPO + "/resolve/" + hub.commit(REPO) + "/config.json"),
                meta.location());
    }

    @Test
    void etagsAndPathsAreNormalisedAsHuggingfaceHubDoes() {
        assertEquals("abc", HubClient.normalizeEtag("\"abc\""));
        assertEquals("abc", HubClient.normalizeEtag("W/\"abc\""));
        assertEquals("refs%2Fpr%2F1", HubClient.encodeSegment("refs/pr/1"));
        assertEquals("onnx/model%20fp16.onnx", HubClient.encodePath("onnx/model fp16.onnx"));
    }
}
