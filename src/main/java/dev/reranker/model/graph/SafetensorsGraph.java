package dev.reranker.model.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.config.Precision;
import dev.reranker.model.ModelLoadException;
import dev.reranker.model.graph.CrossEncoderGraph.LinearStyle;
import dev.reranker.model.safetensors.Dtype;
import dev.reranker.model.safetensors.SafetensorsCheckpoint;

/**
 * Serves a {@code save_pretrained} directory (config.json + safetensors) through the ONNX path: builds the graph of
 * its architecture once and caches it, keyed by everything the graph depends on.
 *
 * <p>
 * Where the graph goes is decided by ONNX Runtime's external data rule: since 1.2x it resolves every external
 * data path, symbolic links included, and refuses one that is not under the graph's directory (or under the real
 * directory of the graph file). A link beside a cached graph pointing at the weights is therefore refused too. So the
 * graph is written into the directory that really holds the safetensors files (the model directory; in a
 * huggingface_hub cache, the repository's {@code blobs/}), and its external data names each file by its path from
 * there: nothing is copied. When that directory is not writable, the graph goes to a cache directory and the
 * weights are hard-linked beside it, or copied when the cache is on another filesystem (one WARN line says so).
 *
 * <p>
 * Files: {@code <name>.onnx}; {@code <name>.json} (the key and the graph's SHA-256, written last, so a build
 * interrupted half-way is never taken for a valid one); {@code <name>-f32.bin} when F16/BF16 tensors were converted.
 * The int8 graph ({@link Precision#INT8}) is a second set of files, {@code <name>-int8.*}, beside the float32 one:
 * its {@code <name>-int8-weights.bin} holds the quantized linear weights ({@link Int8Weights}), whose SHA-256 the
 * key file records and every start checks (about 0.5 s for bge-reranker-v2-m3's 300 MB).
 */
public final class SafetensorsGraph {

    /** Bump when the graph built from the same inputs changes: every cached graph is then rebuilt. */
    static final String BUILDER_VERSION = "1";
    private static final Logger LOG = Logger.getLogger(SafetensorsGraph.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsGraph() {
    }

    /** True when {@code dir} holds safetensors weights (model.safetensors or its sharded index). */
    public static boolean present(Path dir) {
        return SafetensorsCheckpoint.present(dir);
    }

    /** A directory under {@code cacheRoot} for the graph of {@code modelDir} when it cannot sit beside the weights. */
    public static Path fallbackDir(Path cacheRoot, Path modelDir) {
        String path = modelDir.toAbsolutePath().normalize().toString();
        String name = modelDir.getFileName() == null ? "model" : modelDir.getFileName().toString();
        return cacheRoot.resolve(name + "-" + sha256(path.getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    }

    /**
     * The graph of the model in {@code modelDir}: a valid cached one if there is one, else built now.
     *
     * @param name base name of the graph's files, e.g. reranker-graph
     * @param fallbackDir where the graph goes when the weights' directory is not writable
     * @throws ModelLoadException naming the file and tensor of any problem; nothing is written then
     */
    public static PreparedGraph prepare(Path modelDir, String name, Path fallbackDir) {
        return prepare(modelDir, name, fallbackDir, Precision.FP32);
    }

    /** As {@link #prepare(Path, String, Path)}, with the encoder's linear layers in {@code precision}. */
    public static PreparedGraph prepare(Path modelDir, String name, Path fallbackDir, Precision precision) {
        return prepare(modelDir, name, fallbackDir, LinearStyle.FUSED_MATMUL,
                precision == Precision.INT8 ? Optional.of(Int8Weights.Scheme.DEFAULT) : Optional.empty());
    }

    /** Where a graph can go, and how its external data names the safetensors files from there. */
    private record Placement(Path dir, boolean inPlace, String name) {
        Path graph() {
            return dir.resolve(name + ".onnx");
        }

        Path key() {
            return dir.resolve(name + ".json");
        }

        Path converted() {
            return dir.resolve(name + "-f32.bin");
        }

        Path quantized() {
            return dir.resolve(name + "-weights.bin");
        }

        String location(Path shard) {
            return inPlace ? dir.relativize(real(shard)).toString().replace('\\', '/') : shard.getFileName().toString();
        }
    }

    static PreparedGraph prepare(Path modelDir, String name, Path fallbackDir, LinearStyle style) {
        return prepare(modelDir, name, fallbackDir, style, Optional.empty());
    }

    /** @param int8 how to quantize the encoder's linear weights; empty for float32 */
    static PreparedGraph prepare(Path modelDir, String baseName, Path fallbackDir, LinearStyle style,
            Optional<Int8Weights.Scheme> int8) {
        String name = int8.isPresent() ? baseName + "-int8" : baseName;
        long start = System.nanoTime();
        Path dir = modelDir.toAbsolutePath().normalize();
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelLoadException(dir + " has safetensors weights but no config.json, which says what"
                    + " architecture they are");
        }
        EncoderConfig config = EncoderConfig.read(configFile);
        SafetensorsCheckpoint checkpoint = SafetensorsCheckpoint.open(dir);
        String key = key(configFile, checkpoint, style, int8);
        List<Placement> placements = List.of(new Placement(weightsHome(checkpoint), true, name),
                new Placement(fallbackDir.toAbsolutePath().normalize(), false, name));
        List<String> reasons = new ArrayList<>();
        for (Placement p : placements) {
            String problem = check(p, key, checkpoint);
            if (problem == null) {
                LOG.infof("Using the cached ONNX graph %s for %s: nothing to build", p.graph(), dir);
                return new PreparedGraph(p.graph(), false);
            }
            reasons.add(problem);
        }
        List<String> failures = new ArrayList<>();
        for (Placement p : placements) {
            // Everything that can be wrong with the checkpoint fails here, before a byte is written.
            CheckpointWeights weights = new CheckpointWeights(checkpoint, config.architecture().className,
                    p::location, p.converted().getFileName().toString());
            Optional<Int8Weights> quantized = int8.map(scheme -> new Int8Weights(scheme,
                    p.quantized().getFileName().toString()));
            byte[] graph = CrossEncoderGraph.build(config, weights, style, quantized).toModelProto(BUILDER_VERSION);
            try {
                write(p, graph, key, checkpoint, weights, quantized);
            } catch (IOException | UnsupportedOperationException e) {
                failures.add(p.dir() + " (" + e + ")");
                continue;
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            List<CheckpointWeights.Conversion> converted = weights.conversions();
            LOG.infof("Built the %s ONNX graph of %s (%s, %d layers, hidden %d) in %d ms: %s (%s); %s",
                    quantized.map(q -> "int8 (" + q.scheme().label() + ", " + q.size() / 1_000_000
                            + " MB of quantized weights)").orElse("float32"),
                    dir, config.architecture().className, config.layers(), config.hiddenSize(), millis, p.graph(),
                    reasons.get(0), converted.isEmpty() ? "float32 weights read in place from the safetensors files"
                            : converted.size() + " F16/BF16 tensors converted once to float32 in " + p.converted()
                                    + " (" + weights.convertedSize() / 1_000_000 + " MB)");
            return new PreparedGraph(p.graph(), true);
        }
        throw new ModelLoadException("Cannot write the ONNX graph built from " + dir + " into " + String.join(", ",
                failures) + "; set reranker.model.graph-cache-dir (RERANKER_MODEL_GRAPH_CACHE_DIR) to a writable"
                + " directory");
    }

    /** The deepest directory that really holds every safetensors file (links resolved). */
    private static Path weightsHome(SafetensorsCheckpoint checkpoint) {
        Path home = null;
        for (SafetensorsCheckpoint.Shard shard : checkpoint.shards()) {
            Path parent = real(shard.file()).getParent();
            if (home == null) {
                home = parent;
            }
            while (!parent.startsWith(home)) {
                home = home.getParent();
            }
        }
        return home;
    }

    private static Path real(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            throw new ModelLoadException("Cannot resolve " + file + ": " + e.getMessage(), e);
        }
    }

    /** Null when {@code p} holds a graph for {@code key} whose files are intact, else what is wrong. */
    private static String check(Placement p, String key, SafetensorsCheckpoint checkpoint) {
        if (!Files.isRegularFile(p.key())) {
            return "no cached graph in " + p.dir();
        }
        try {
            JsonNode recorded = JSON.readTree(p.key().toFile());
            if (recorded == null || !key.equals(recorded.path("key").asText())) {
                return "the cached graph " + p.graph() + " was stale (built for other weights, config or builder)";
            }
            if (!Files.isRegularFile(p.graph())
                    || !recorded.path("graph_sha256").asText().equals(sha256(Files.readAllBytes(p.graph())))) {
                LOG.warnf("The cached graph %s is corrupt (its SHA-256 is not the one %s recorded): rebuilding it",
                        p.graph(), p.key());
                return "the cached graph " + p.graph() + " was corrupt";
            }
            if (!p.inPlace()) {
                for (SafetensorsCheckpoint.Shard shard : checkpoint.shards()) {
                    Path local = p.dir().resolve(shard.file().getFileName());
                    if (!Files.isRegularFile(local) || Files.size(local) != shard.size()) {
                        return "the weights beside the cached graph " + p.graph() + " are missing or incomplete";
                    }
                }
            }
            long converted = recorded.path("converted_size").asLong(0);
            if (converted > 0 && (!Files.isRegularFile(p.converted()) || Files.size(p.converted()) != converted)) {
                return "the converted weights " + p.converted() + " were incomplete";
            }
            long quantized = recorded.path("quantized_size").asLong(0);
            if (quantized > 0) {
                if (!Files.isRegularFile(p.quantized()) || Files.size(p.quantized()) != quantized) {
                    return "the quantized weights " + p.quantized() + " were incomplete";
                }
                if (!recorded.path("quantized_sha256").asText().equals(sha256(p.quantized()))) {
                    LOG.warnf("The quantized weights %s are corrupt (their SHA-256 is not the one %s recorded):"
                            + " rebuilding them", p.quantized(), p.key());
                    return "the quantized weights " + p.quantized() + " were corrupt";
                }
            }
            return null;
        } catch (IOException e) {
            return "the cached graph " + p.graph() + " could not be read (" + e.getMessage() + ")";
        }
    }

    private static void write(Placement p, byte[] graph, String key, SafetensorsCheckpoint checkpoint,
            CheckpointWeights weights, Optional<Int8Weights> int8) throws IOException {
        Files.createDirectories(p.dir());
        Files.deleteIfExists(p.key());
        if (!p.inPlace()) {
            for (SafetensorsCheckpoint.Shard shard : checkpoint.shards()) {
                placeBeside(p.dir(), real(shard.file()), shard.file().getFileName().toString());
            }
        }
        if (!weights.conversions().isEmpty()) {
            Path tmp = p.dir().resolve("." + p.converted().getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                Float32Conversion.write(tmp, weights.conversions(), weights.convertedSize());
                move(tmp, p.converted());
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        String quantizedSha = null;
        if (int8.isPresent() && !int8.get().isEmpty()) {
            Path tmp = p.dir().resolve("." + p.quantized().getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                quantizedSha = HexFormat.of().formatHex(int8.get().write(tmp, sha256()));
                move(tmp, p.quantized());
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        writeAtomically(p.graph(), graph);
        Map<String, Object> recorded = new LinkedHashMap<>();
        recorded.put("key", key);
        recorded.put("graph_sha256", sha256(graph));
        recorded.put("converted_size", weights.convertedSize());
        if (quantizedSha != null) {
            recorded.put("quantized_size", int8.get().size());
            recorded.put("quantized_sha256", quantizedSha);
            recorded.put("quantization", int8.get().scheme().label());
        }
        recorded.put("builder", BUILDER_VERSION);
        writeAtomically(p.key(), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(recorded));
    }

    /** A hard link to {@code source} named {@code name} in {@code dir}; a copy where links cannot be made. */
    private static void placeBeside(Path dir, Path source, String name) throws IOException {
        Path target = dir.resolve(name);
        if (Files.isRegularFile(target) && Files.isSameFile(target, source)) {
            return;
        }
        Path tmp = dir.resolve("." + name + ".tmp-" + UUID.randomUUID());
        try {
            try {
                Files.createLink(tmp, source);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warnf("Copying %s (%d MB) to %s: its directory is not writable and %s is on another filesystem"
                        + " (%s). Make the model directory writable, or put reranker.model.graph-cache-dir on its"
                        + " filesystem, to serve the weights in place", source, Files.size(source) / 1_000_000,
                        target, dir, e.getMessage());
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * What the graph depends on: the builder, the linear style, the precision and quantization scheme, config.json,
     * and each file's name, size and header (tensor names, dtypes, shapes, offsets). F32 data is read at load time,
     * so new F32 data under the same header needs no rebuild of the float32 graph; converted and quantized data was
     * copied, so files with F16/BF16 tensors, and every file of an int8 graph, add their modification time.
     */
    private static String key(Path configFile, SafetensorsCheckpoint checkpoint, LinearStyle style,
            Optional<Int8Weights.Scheme> int8) {
        MessageDigest digest = sha256();
        // A float32 graph's key is what it was before int8 existed, so caches made then stay valid.
        digest.update((BUILDER_VERSION + "/" + style + "/" + int8.map(s -> "int8/" + s.label() + "/").orElse(""))
                .getBytes(StandardCharsets.UTF_8));
        try {
            digest.update(Files.readAllBytes(configFile));
            checkpoint.digest(digest);
            boolean converts = int8.isPresent() || checkpoint.tensors().values().stream()
                    .anyMatch(t -> t.dtype().filter(d -> d != Dtype.F32).isPresent());
            if (converts) {
                for (SafetensorsCheckpoint.Shard shard : checkpoint.shards()) {
                    digest.update(Files.getLastModifiedTime(shard.file()).toString()
                            .getBytes(StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot read " + configFile.getParent() + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.write(tmp, bytes);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            while (in.read(buffer) >= 0) {
                digest.update(buffer.flip());
                buffer.clear();
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
