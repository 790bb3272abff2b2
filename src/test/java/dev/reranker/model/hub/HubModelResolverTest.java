package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.model.ModelFiles;
import dev.reranker.support.FakeHub;

/** The whole fetch against a fake Hub on the loopback interface; no test reaches the real Hub. */
class HubModelResolverTest {

    static final Path XLMR = Path.of("src/main/resources/demo-model");
    static final Path EXTERNAL = Path.of("src/test/resources/models/tiny-xlmr-external");
    static final Path BERT = Path.of("src/test/resources/models/tiny-bert");
    static final String EXT_REPO = "test-org/tiny-xlmr-external";
    static final String DATA = "model.onnx_data";

    @TempDir
    Path cache;
    FakeHub hub;
    final List<String> status = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startHub() {
        hub = new FakeHub().repo(EXT_REPO, EXTERNAL).repo("test-org/tiny-bert", BERT)
                .repo("test-org/private-xlmr", Map.of("model.onnx", XLMR.resolve("model.onnx"), "tokenizer.json",
                        XLMR.resolve("tokenizer.json"), "config.json", XLMR.resolve("config.json")), true)
                .repo("test-org/no-onnx", Map.of("config.json", XLMR.resolve("config.json"), "tokenizer.json",
                        XLMR.resolve("tokenizer.json"), "model.safetensors", XLMR.resolve("model.onnx")), false);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    HubSettings settings(boolean offline, Optional<String> token) {
        return new HubSettings(URI.create(hub.endpoint()), token, offline, cache, Duration.ofMillis(50),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 3, Duration.ofMillis(10), true);
    }

    ModelFiles resolve(String repo) {
        return resolve(repo, Optional.empty(), false, Optional.empty(), status::add);
    }

    ModelFiles resolve(String repo, Optional<String> file, boolean offline, Optional<String> token,
            Consumer<String> sink) {
        return new HubModelResolver(settings(offline, token), sink).resolve(new RepoRef(repo, "main"), file,
                Optional.empty());
    }

    HubCache hubCache(String repo) {
        return new HubCache(cache, new RepoRef(repo, "main"));
    }

    @Test
    void firstStartDownloadsIntoTheHuggingfaceHubLayout() throws IOException {
        ModelFiles files = resolve(EXT_REPO);

        String commit = hub.commit(EXT_REPO);
        HubCache layout = hubCache(EXT_REPO);
        Path snapshot = cache.resolve("models--test-org--tiny-xlmr-external/snapshots/" + commit);
        assertEquals(snapshot.resolve("model.onnx"), files.onnxFile());
        assertEquals(snapshot.resolve("tokenizer.json"), files.tokenizer());
        assertEquals(Optional.of(snapshot.resolve("config.json")), files.config());
        assertEquals(EXT_REPO, files.name());
        assertEquals(commit, Files.readString(cache.resolve("models--test-org--tiny-xlmr-external/refs/main")));
        for (String file : List.of("model.onnx", DATA, "tokenizer.json", "config.json", "tokenizer_config.json",
                "special_tokens_map.json")) {
            Path pointer = snapshot.resolve(file);
            assertTrue(Files.isSymbolicLink(pointer), file + " is a link");
            assertEquals(Path.of("../../blobs/" + hub.etag(EXT_REPO, file)), Files.readSymbolicLink(pointer));
            assertArrayEquals(hub.bytes(EXT_REPO, file), Files.readAllBytes(pointer), file);
            assertTrue(Files.isRegularFile(layout.blob(hub.etag(EXT_REPO, file))));
        }
        // LFS blobs are named by sha256, the others by their git blob id, as huggingface_hub names them.
        assertEquals(64, hub.etag(EXT_REPO, DATA).length());
        assertEquals(40, hub.etag(EXT_REPO, "config.json").length());
        assertTrue(status.stream().anyMatch(s -> s.contains("Downloading " + EXT_REPO + " " + DATA)), status::toString);
        try (var leftovers = Files.walk(cache)) {
            assertFalse(
                    leftovers.anyMatch(p -> p.toString().endsWith(".incomplete") || p.toString().contains(".tmp-")));
        }
    }

    @Test
    void secondStartUsesTheCacheWithoutARequest() {
        ModelFiles first = resolve(EXT_REPO);
        assertFalse(hub.requests().isEmpty());
        hub.clearRequests();

        ModelFiles second = resolve(EXT_REPO);

        assertEquals(List.of(), hub.requests());
        assertEquals(first, second);
    }

    @Test
    void onlyTheFilesTheServiceNeedsAreDownloaded() {
        resolve(EXT_REPO);
        hub.requests().stream().filter(r -> r.method().equals("GET") && r.server().equals("hub")
                && r.path().contains("/resolve/")).forEach(r -> assertTrue(r.path().endsWith(".json"), r.path()));
        assertEquals(1, hub.downloads(DATA).size());
        assertEquals(1, hub.downloads("model.onnx").size());
    }

    @Test
    void anOnnxFolderAndAVariantAreFound() throws IOException {
        hub.repo("test-org/layout", Map.of("onnx/model.onnx", EXTERNAL.resolve("model.onnx"), "onnx/" + DATA,
                EXTERNAL.resolve(DATA), "onnx/model_fp16.onnx", XLMR.resolve("model.onnx"), "tokenizer.json",
                EXTERNAL.resolve("tokenizer.json"), "config.json", EXTERNAL.resolve("config.json"),
                "model.safetensors", XLMR.resolve("model.onnx")), false);

        ModelFiles files = resolve("test-org/layout");

        Path snapshot = cache.resolve("models--test-org--layout/snapshots/" + hub.commit("test-org/layout"));
        assertEquals(snapshot.resolve("onnx/model.onnx"), files.onnxFile());
        assertEquals(Path.of("../../../blobs/" + hub.etag("test-org/layout", "onnx/" + DATA)),
                Files.readSymbolicLink(snapshot.resolve("onnx/" + DATA)));
        assertTrue(hub.downloads("model.safetensors").isEmpty());
        assertTrue(hub.downloads("onnx/model_fp16.onnx").isEmpty());

        hub.clearRequests();
        ModelFiles variant = resolve("test-org/layout", Optional.of("onnx/model_fp16.onnx"), false,
                Optional.empty(), status::add);
        assertEquals(snapshot.resolve("onnx/model_fp16.onnx"), variant.onnxFile());
        assertEquals(1, hub.downloads("onnx/model_fp16.onnx").size());
        assertTrue(hub.downloads("onnx/" + DATA).isEmpty());
    }

    @Test
    void anInterruptedDownloadResumesWithRange() {
        hub.interruptOnce(DATA, 1_000_000);

        ModelFiles files = resolve(EXT_REPO);

        List<FakeHub.Request> gets = hub.downloads(DATA);
        assertEquals(2, gets.size(), gets::toString);
        assertEquals(Optional.empty(), gets.get(0).range());
        // The resume starts where the bytes that reached the disk end: at most where the server cut.
        String range = gets.get(1).range().orElseThrow();
        long offset = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
        assertTrue(offset > 0 && offset <= 1_000_000, range);
        assertFileIs(files.onnxFile().resolveSibling(DATA), hub.bytes(EXT_REPO, DATA));
    }

    @Test
    void aStalledDownloadIsCutAndResumed() {
        hub.stallOnce(DATA);
        HubSettings impatient = new HubSettings(URI.create(hub.endpoint()), Optional.empty(), false, cache,
                Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofMillis(500), 3, Duration.ofMillis(10), true);
        long start = System.nanoTime();

        ModelFiles files = new HubModelResolver(impatient, status::add).resolve(new RepoRef(EXT_REPO, "main"),
                Optional.empty(), Optional.empty());

        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "the stalled read was not cut");
        List<FakeHub.Request> gets = hub.downloads(DATA);
        assertEquals(2, gets.size(), gets::toString);
        assertEquals(Optional.of("bytes=65536-"), gets.get(1).range());
        assertFileIs(files.onnxFile().resolveSibling(DATA), hub.bytes(EXT_REPO, DATA));
    }

    @Test
    void aPartialFileLeftByAnEarlierRunIsResumed() throws IOException {
        byte[] data = hub.bytes(EXT_REPO, DATA);
        HubCache layout = hubCache(EXT_REPO);
        Files.createDirectories(layout.blobs());
        Files.write(layout.incomplete(hub.etag(EXT_REPO, DATA)), java.util.Arrays.copyOf(data, 123_456));

        ModelFiles files = resolve(EXT_REPO);

        List<FakeHub.Request> gets = hub.downloads(DATA);
        assertEquals(1, gets.size());
        assertEquals(Optional.of("bytes=123456-"), gets.get(0).range());
        assertFileIs(files.onnxFile().resolveSibling(DATA), data);
    }

    @Test
    void wrongBytesFromTheServerFailWithAChecksumMismatch() {
        hub.corrupt(DATA);

        HubException e = assertThrows(HubException.class, () -> resolve(EXT_REPO));

        assertTrue(e.getMessage().startsWith("Checksum mismatch for " + EXT_REPO + " " + DATA + ": expected sha256 "
                + hub.etag(EXT_REPO, DATA)), e.getMessage());
        HubCache layout = hubCache(EXT_REPO);
        assertFalse(Files.exists(layout.blob(hub.etag(EXT_REPO, DATA))));
        assertFalse(Files.exists(layout.incomplete(hub.etag(EXT_REPO, DATA))));
    }

    @Test
    void aCorruptedCachedBlobIsFoundAndDownloadedAgain() throws IOException {
        ModelFiles files = resolve(EXT_REPO);
        Path blob = files.onnxFile().resolveSibling(DATA).toRealPath();
        byte[] bytes = Files.readAllBytes(blob);
        bytes[1000] ^= 1;
        Files.write(blob, bytes);

        HubException offline = assertThrows(HubException.class,
                () -> resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add));
        assertTrue(offline.getMessage().contains("the cached " + DATA + " of " + EXT_REPO + "@main is corrupt"),
                offline.getMessage());

        hub.clearRequests();
        ModelFiles again = resolve(EXT_REPO);
        assertEquals(1, hub.downloads(DATA).size());
        assertFileIs(again.onnxFile().resolveSibling(DATA), hub.bytes(EXT_REPO, DATA));
    }

    @Test
    void aBlobIsHashedOnceAndAgainOnlyAfterItChanged() throws IOException {
        ModelFiles files = resolve(EXT_REPO);
        Path blob = files.onnxFile().resolveSibling(DATA).toRealPath();
        assertTrue(VerifiedBlobs.unchanged(blob), "the download hashed it, so it is stamped");

        // Flip a byte but keep size, time and inode: a start trusts the stamp and hashes nothing.
        FileTime written = Files.getLastModifiedTime(blob);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[1000] ^= 1;
        try (FileChannel channel = FileChannel.open(blob, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
        }
        Files.setLastModifiedTime(blob, written);
        assertEquals(files.onnxFile(),
                resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add).onnxFile());

        // Any visible change (here only its time) makes the next start hash it, and find it corrupt.
        Files.setLastModifiedTime(blob, FileTime.from(written.toInstant().plusSeconds(1)));
        assertFalse(VerifiedBlobs.unchanged(blob));
        HubException offline = assertThrows(HubException.class,
                () -> resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add));
        assertTrue(offline.getMessage().contains("the cached " + DATA + " of " + EXT_REPO + "@main is corrupt"),
                offline.getMessage());
    }

    @Test
    void offlineWithoutACacheFailsClearlyWithoutARequest() {
        HubException e = assertThrows(HubException.class,
                () -> resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add));

        assertTrue(e.getMessage().startsWith("HF_HUB_OFFLINE (reranker.hub.offline) is set and the cache " + cache
                + " has no complete copy of " + EXT_REPO + "@main"), e.getMessage());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineWithACacheServesWithoutARequest() {
        ModelFiles online = resolve(EXT_REPO);
        hub.clearRequests();

        ModelFiles offline = resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add);

        assertEquals(online, offline);
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void offlineNamesTheFileMissingFromAnIncompleteSnapshot() throws IOException {
        ModelFiles files = resolve(EXT_REPO);
        Files.delete(files.onnxFile().resolveSibling(DATA));

        HubException e = assertThrows(HubException.class,
                () -> resolve(EXT_REPO, Optional.empty(), true, Optional.empty(), status::add));

        assertTrue(e.getMessage().contains("model.onnx keeps its weights in " + DATA), e.getMessage());
    }

    @Test
    void aCacheFilledByHuggingfaceHubIsServed() throws IOException {
        // The layout huggingface_hub writes, made by hand: blobs by etag, relative links, refs/main.
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repoDir = cache.resolve("models--BAAI--bge-reranker-v2-m3");
        Path snapshot = repoDir.resolve("snapshots/" + commit);
        Files.createDirectories(repoDir.resolve("blobs"));
        Files.createDirectories(snapshot);
        Files.createDirectories(repoDir.resolve("refs"));
        Files.writeString(repoDir.resolve("refs/main"), commit);
        for (String file : List.of("model.onnx", DATA, "tokenizer.json", "config.json")) {
            byte[] bytes = Files.readAllBytes(EXTERNAL.resolve(file));
            String etag = file.endsWith(".json") && bytes.length < 4096 ? FakeHub.gitSha1(bytes)
                    : FakeHub.sha256(bytes);
            Files.write(repoDir.resolve("blobs/" + etag), bytes);
            Files.createSymbolicLink(snapshot.resolve(file), Path.of("../../blobs/" + etag));
        }

        ModelFiles files = new HubModelResolver(settings(true, Optional.empty()), status::add)
                .resolve(new RepoRef("BAAI/bge-reranker-v2-m3", "main"), Optional.empty(), Optional.empty());

        assertEquals(snapshot.resolve("model.onnx"), files.onnxFile());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void aPrivateRepositoryNeedsTheToken() {
        HubException e = assertThrows(HubException.class, () -> resolve("test-org/private-xlmr"));
        assertTrue(e.getMessage().contains("private or gated and needs a token: set HF_TOKEN"), e.getMessage());
        hub.clearRequests();

        ModelFiles files = resolve("test-org/private-xlmr", Optional.empty(), false, Optional.of(FakeHub.TOKEN),
                status::add);

        assertTrue(Files.isRegularFile(files.onnxFile()));
        // The token goes to the Hub only; the CDN would refuse it (and the download would have failed).
        assertTrue(hub.requests().stream().filter(r -> r.server().equals("hub"))
                .allMatch(r -> r.authorization().equals(Optional.of("Bearer " + FakeHub.TOKEN))));
        assertTrue(hub.requests().stream().filter(r -> r.server().equals("cdn"))
                .allMatch(r -> r.authorization().isEmpty()));
    }

    @Test
    void aWrongTokenIsReported() {
        HubException e = assertThrows(HubException.class,
                () -> resolve("test-org/private-xlmr", Optional.empty(), false, Optional.of("hf_wrong"), s -> {
                }));
        assertTrue(e.getMessage().contains("the token in HF_TOKEN (reranker.hub.token) is invalid or has no access"),
                e.getMessage());
    }

    @Test
    void anUnknownRepositoryOrRevisionIsReported() {
        HubException repo = assertThrows(HubException.class, () -> resolve("test-org/nope", Optional.empty(), false,
                Optional.of(FakeHub.TOKEN), s -> {
                }));
        assertTrue(repo.getMessage().startsWith("Repository test-org/nope was not found on " + hub.endpoint()),
                repo.getMessage());

        HubException revision = assertThrows(HubException.class, () -> new HubModelResolver(
                settings(false, Optional.empty()), s -> {
                }).resolve(new RepoRef(EXT_REPO, "v9"), Optional.empty(), Optional.empty()));
        assertTrue(revision.getMessage().startsWith("Revision 'v9' (reranker.model.revision) does not exist in "
                + EXT_REPO), revision.getMessage());
    }

    @Test
    void aRepositoryWithoutOnnxSaysHowToExportOne() {
        HubException e = assertThrows(HubException.class, () -> resolve("test-org/no-onnx"));

        assertTrue(e.getMessage().contains("holds no .onnx file at all. Export one with `optimum-cli export onnx"
                + " --model test-org/no-onnx --task text-classification <dir>`"), e.getMessage());
        assertTrue(hub.downloads("model.safetensors").isEmpty());
    }

    @Test
    void anUnreachableHubIsReported() {
        String endpoint = hub.endpoint();
        hub.close();
        HubSettings settings = new HubSettings(URI.create(endpoint), Optional.empty(), false, cache,
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2), 2, Duration.ofMillis(10), true);

        HubException e = assertThrows(HubException.class, () -> new HubModelResolver(settings, s -> {
        }).resolve(new RepoRef(EXT_REPO, "main"), Optional.empty(), Optional.empty()));

        assertTrue(e.getMessage().startsWith("Cannot reach the Hugging Face Hub at " + endpoint), e.getMessage());
        assertTrue(e.getMessage().contains("HF_HUB_OFFLINE=1"), e.getMessage());
    }

    @Test
    void twoStartsOnOneCacheDownloadEachBlobOnce() throws Exception {
        hub.gate(DATA);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<ModelFiles> first = pool.submit(() -> resolve(EXT_REPO));
            assertTrue(hub.awaitGated(DATA, 30, TimeUnit.SECONDS));
            CountDownLatch secondWaits = new CountDownLatch(1);
            Future<ModelFiles> second = pool.submit(() -> resolve(EXT_REPO, Optional.empty(), false,
                    Optional.empty(), line -> {
                        if (line.startsWith("Another download of " + EXT_REPO + " " + DATA)) {
                            secondWaits.countDown();
                        }
                    }));
            assertTrue(secondWaits.await(30, TimeUnit.SECONDS));
            hub.release(DATA);

            assertEquals(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, hub.downloads(DATA).size());
        assertFileIs(hubCache(EXT_REPO).blob(hub.etag(EXT_REPO, DATA)), hub.bytes(EXT_REPO, DATA));
    }

    @Test
    void aRepositoryIdMustLookLikeOne() {
        assertThrows(dev.reranker.model.ModelLoadException.class, () -> new RepoRef("../etc", "main"));
        assertThrows(dev.reranker.model.ModelLoadException.class, () -> new RepoRef("a/b/c", "main"));
        assertEquals("models--BAAI--bge-reranker-v2-m3", new RepoRef("BAAI/bge-reranker-v2-m3", "main").folderName());
    }

    static void assertFileIs(Path file, byte[] expected) {
        try {
            assertEquals(FakeHub.sha256(expected), FakeHub.sha256(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
