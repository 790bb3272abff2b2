package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.config.ModelFormat;
import dev.reranker.model.ModelFiles;
import dev.reranker.support.FakeHub;
import dev.reranker.support.Reference;
import dev.reranker.support.ReferenceScores;

/**
 * Repositories that ship safetensors and no ONNX (as BAAI/bge-reranker-v2-m3 does), served from a fake Hub: only the
 * files that will be served are fetched, the graph is built beside the weights in the cache's blobs/ and reused, and
 * the scores are transformers' for each architecture.
 */
class SafetensorsHubTest {

    static final String BGE = "BAAI/bge-reranker-v2-m3";
    static final String SHARDED = "test-org/st-xlmr-sharded";
    static final String BERT = "test-org/st-bert";
    static final String BOTH = "test-org/onnx-and-safetensors";
    static final String NEITHER = "test-org/only-pytorch";

    @TempDir
    Path cache;
    @TempDir
    Path graphs;
    @TempDir
    Path decoys;
    FakeHub hub;

    @BeforeEach
    void startHub() throws IOException {
        Path xlmr = Reference.modelDir("st-xlmr");
        Map<String, Path> bge = files(xlmr);
        // What else the real repository holds; none of it is needed (own bytes: the fake CDN serves by digest).
        bge.put("pytorch_model.bin", decoy("pytorch_model.bin", 300_000));
        bge.put("sentencepiece.bpe.model", decoy("sentencepiece.bpe.model", 100_000));
        Map<String, Path> both = files(Reference.modelDir("tiny-xlmr-external"));
        both.put("model.safetensors", xlmr.resolve("model.safetensors"));
        both.put("config.json", xlmr.resolve("config.json"));
        hub = new FakeHub().repo(BGE, bge, false).repo(SHARDED, Reference.modelDir("st-xlmr-sharded"))
                .repo(BERT, Reference.modelDir("st-bert")).repo(BOTH, both, false)
                .repo(NEITHER, Map.of("config.json", xlmr.resolve("config.json"), "tokenizer.json",
                        xlmr.resolve("tokenizer.json"), "pytorch_model.bin", decoy("neither.bin", 1000)), false);
    }

    private Path decoy(String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        new java.util.Random(name.hashCode()).nextBytes(bytes);
        return Files.write(decoys.resolve(name), bytes);
    }

    private static Map<String, Path> files(Path dir) throws IOException {
        Map<String, Path> files = new HashMap<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(f -> files.put(f.getFileName().toString(), f));
        }
        return files;
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    ModelFiles resolve(String repo, ModelFormat format, boolean offline) {
        HubSettings settings = new HubSettings(URI.create(hub.endpoint()), Optional.empty(), offline, cache,
                Duration.ofMillis(50), Duration.ofSeconds(5), Duration.ofSeconds(10), 3, Duration.ofMillis(10), true);
        return new HubModelResolver(settings, s -> {
        }).resolve(new RepoRef(repo, "main"), Optional.empty(), Optional.empty(), format, graphs);
    }

    /** Every file name any of the repositories holds. */
    private static final List<String> NAMES = List.of("config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "model.safetensors", "model.safetensors.index.json",
            "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "pytorch_model.bin",
            "sentencepiece.bpe.model", "model.onnx", "model.onnx_data");

    /**
     * The files of {@code repo} whose bytes were fetched (from the Hub or, for LFS files, its CDN) since the last
     * clear.
     */
    private List<String> downloaded(String repo) {
        return NAMES.stream().filter(name -> hub.has(repo, name)).filter(name -> {
            String etag = hub.etag(repo, name);
            return hub.requests().stream().anyMatch(r -> r.method().equals("GET")
                    && (r.server().equals("cdn") ? r.path().endsWith(etag) : r.path().endsWith("/" + name)));
        }).sorted().toList();
    }

    @Test
    void servesBgeRerankerV2M3ByItsIdFromItsSafetensors() throws IOException {
        ModelFiles files = resolve(BGE, ModelFormat.AUTO, false);
        String commit = hub.commit(BGE);
        HubCache layout = new HubCache(cache, new RepoRef(BGE, "main"));
        assertEquals(layout.blobs().resolve("reranker-graph-" + commit.substring(0, 12) + ".onnx"), files.onnxFile(),
                "the graph sits beside the blobs it reads in place");
        assertEquals(layout.snapshot(commit).toString(), files.location());
        assertEquals(BGE, files.name());
        assertEquals(List.of("config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
                "tokenizer_config.json"), downloaded(BGE), "nothing else of the repository is fetched");
        ReferenceScores.assertMatch(files, "st-xlmr");

        FileTime built = Files.getLastModifiedTime(files.onnxFile());
        hub.clearRequests();
        ModelFiles again = resolve(BGE, ModelFormat.AUTO, false);
        assertEquals(files, again);
        assertEquals(List.of(), hub.requests(), "a second start asks the Hub nothing");
        assertEquals(built, Files.getLastModifiedTime(again.onnxFile()), "and builds nothing");
        assertEquals(files, resolve(BGE, ModelFormat.SAFETENSORS, true), "offline, from the cache");
    }

    @Test
    void shardedWeightsAreFetchedFromTheirIndex() {
        ModelFiles files = resolve(SHARDED, ModelFormat.AUTO, false);
        assertEquals(List.of("config.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                "model.safetensors.index.json", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json"),
                downloaded(SHARDED));
        ReferenceScores.assertMatch(files, "st-xlmr-sharded");
    }

    @Test
    void bertFromTheHubScoresLikeTransformers() {
        ReferenceScores.assertMatch(resolve(BERT, ModelFormat.AUTO, false), "st-bert");
    }

    @Test
    void anOnnxGraphWinsUnderAutoAndTheSafetensorsAreNotFetched() {
        ModelFiles files = resolve(BOTH, ModelFormat.AUTO, false);
        assertEquals("model.onnx", files.onnxFile().getFileName().toString());
        assertFalse(downloaded(BOTH).contains("model.safetensors"), downloaded(BOTH).toString());
        hub.clearRequests();
        ModelFiles forced = resolve(BOTH, ModelFormat.SAFETENSORS, false);
        assertTrue(forced.onnxFile().getFileName().toString().startsWith("reranker-graph-"));
        assertEquals(List.of("model.safetensors"), downloaded(BOTH), "the small files were cached already");
        ReferenceScores.assertMatch(forced, "st-xlmr");
    }

    @Test
    void aCorruptCachedShardIsFetchedAgainAndTheGraphStillServes() throws IOException {
        ModelFiles files = resolve(BGE, ModelFormat.AUTO, false);
        Path blob = new HubCache(cache, new RepoRef(BGE, "main")).snapshot(hub.commit(BGE)).resolve("model.safetensors")
                .toRealPath();
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length - 10] ^= 0x5a;
        Files.write(blob, bytes);
        hub.clearRequests();
        ModelFiles again = resolve(BGE, ModelFormat.AUTO, false);
        assertEquals(List.of("model.safetensors"), downloaded(BGE));
        ReferenceScores.assertMatch(again, "st-xlmr");
        assertEquals(files.onnxFile(), again.onnxFile());
    }

    @Test
    void offlineWithoutACacheAndARepositoryWithoutWeightsSayWhy() {
        String offline = assertThrows(HubException.class, () -> resolve(BGE, ModelFormat.AUTO, true)).getMessage();
        assertTrue(offline.contains("HF_HUB_OFFLINE") && offline.contains(BGE), offline);
        String neither = assertThrows(HubException.class, () -> resolve(NEITHER, ModelFormat.AUTO, false))
                .getMessage();
        assertTrue(neither.contains("has neither an ONNX model (model.onnx, onnx/model.onnx) nor model.safetensors"),
                neither);
        String onlyOnnx = assertThrows(HubException.class,
                () -> resolve("test-org/onnx-only", ModelFormat.SAFETENSORS, false)).getMessage();
        assertTrue(onlyOnnx.contains("Repository not found") || onlyOnnx.contains("onnx-only"), onlyOnnx);
    }
}
