package dev.reranker.model.hub;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import dev.reranker.config.ModelFormat;
import dev.reranker.config.Precision;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.OnnxExports;
import dev.reranker.model.graph.PreparedGraph;
import dev.reranker.model.graph.SafetensorsGraph;
import dev.reranker.model.safetensors.SafetensorsCheckpoint;

/**
 * Turns {@code reranker.model.id} into model files on disk. The cache is asked first: when the snapshot that
 * {@code refs/<revision>} names already holds the ONNX file, its external data and the tokenizer, the service starts
 * without any request to the Hub (as TEI does), which also makes a pre-seeded volume work offline. Otherwise the
 * revision is resolved to a commit, the needed files are chosen from its listing and fetched into the cache.
 * Pin a commit in {@code reranker.model.revision} to move to a newer one on purpose.
 */
public final class HubModelResolver {

    private static final Logger LOG = Logger.getLogger(HubModelResolver.class);

    private final HubSettings settings;
    private final HubClient client;
    private final Downloader downloader;
    private final Consumer<String> status;

    /**
     * @param status receives one short line whenever the fetch moves on (for health check details); may ignore it
     */
    public HubModelResolver(HubSettings settings, Consumer<String> status) {
        this(settings, new HubClient(settings), status);
    }

    HubModelResolver(HubSettings settings, HubClient client, Consumer<String> status) {
        this.settings = settings;
        this.client = client;
        this.status = status;
        this.downloader = new Downloader(client, settings, status);
    }

    /**
     * The files of {@code repo} on disk, from the cache when it holds them, else fetched into it.
     *
     * @param repo repository and revision
     * @param onnxFile reranker.model.file, when set
     * @param name the name to report; default: the repository id
     */
    public ModelFiles resolve(RepoRef repo, Optional<String> onnxFile, Optional<String> name) {
        return resolveOnnx(repo, onnxFile, name, null, Precision.FP32);
    }

    /**
     * As {@link #resolve(RepoRef, Optional, Optional)}, choosing the weights by {@code format}: auto serves the
     * repository's ONNX graph when it has one, else its safetensors weights through a graph built from them (cached
     * beside the weights in the cache, else under {@code graphCacheDir}). Only the files that will be served are
     * downloaded.
     */
    public ModelFiles resolve(RepoRef repo, Optional<String> onnxFile, Optional<String> name, ModelFormat format,
            Path graphCacheDir) {
        return resolve(repo, onnxFile, name, format, graphCacheDir, Precision.FP32);
    }

    /**
     * As {@link #resolve(RepoRef, Optional, Optional, ModelFormat, Path)} in {@code precision}: for int8 the ONNX
     * files looked for are the quantized exports ({@link OnnxExports#INT8}), and a graph built from safetensors is
     * quantized. A repository with neither fails; its float32 graph is never served in place of int8.
     */
    public ModelFiles resolve(RepoRef repo, Optional<String> onnxFile, Optional<String> name, ModelFormat format,
            Path graphCacheDir, Precision precision) {
        if (format == ModelFormat.ONNX) {
            return resolveOnnx(repo, onnxFile, name, null, precision);
        }
        if (format == ModelFormat.SAFETENSORS && onnxFile.isPresent()) {
            throw new HubException("reranker.model.file names an ONNX file (" + onnxFile.get()
                    + ") but reranker.model.format is safetensors; unset one of them");
        }
        HubCache cache = new HubCache(settings.cacheDir(), repo);
        Optional<String> cachedCommit = cache.commitFor(repo.revision());
        Set<String> cached = cachedCommit.map(cache::snapshotFiles).orElse(Set.of());
        if (format == ModelFormat.AUTO && hasOnnx(cached, onnxFile, precision)) {
            return resolveOnnx(repo, onnxFile, name, null, precision);
        }
        String reason = "nothing cached for revision " + repo.revision() + " in " + cache.repoDir();
        Optional<SafetensorsSelection> inCache = SafetensorsSelection.of(cached);
        if (cachedCommit.isPresent() && inCache.isPresent()) {
            Optional<String> problem = cachedSafetensors(cache, repo, cachedCommit.get(), inCache.get(), cached);
            if (problem.isEmpty()) {
                LOG.infof("Serving %s from the cache: %s (commit %s), no request to the Hub", repo,
                        cache.snapshot(cachedCommit.get()), cachedCommit.get());
                return safetensorsFiles(cache, cachedCommit.get(), name, repo, graphCacheDir, precision);
            }
            reason = problem.get();
        }
        if (settings.offline()) {
            throw new HubException("HF_HUB_OFFLINE (reranker.hub.offline) is set and the cache " + settings.cacheDir()
                    + " has no complete copy of " + repo + ": " + reason + ". Start once with access to "
                    + settings.endpoint() + ", or pre-seed the cache (e.g. `huggingface-cli download " + repo.id()
                    + " --revision " + repo.revision() + "` with HF_HUB_CACHE=" + settings.cacheDir() + ")");
        }
        LOG.infof("Fetching %s from %s into %s (%s)", repo, settings.endpoint(), settings.cacheDir(), reason);
        status.accept("Resolving " + repo + " on " + settings.endpoint());
        RepoListing listing = client.listing(repo);
        Set<String> available = listing.files().keySet();
        if (format == ModelFormat.AUTO && hasOnnx(available, onnxFile, precision)) {
            return resolveOnnx(repo, onnxFile, name, listing, precision);
        }
        String commit = listing.commit();
        String where = "Repository " + repo.id() + " at " + repo.revision() + " (commit " + shortCommit(commit) + ")";
        SafetensorsSelection selection = SafetensorsSelection.of(available).orElseThrow(() -> new HubException(where
                + " has " + (format == ModelFormat.AUTO ? "neither " + (precision == Precision.INT8
                        ? "a quantized ONNX export for reranker.precision=int8 ("
                        : "an ONNX model (")
                        + String.join(", ", OnnxExports.of(precision)) + ") nor " : "no ")
                + "model.safetensors"
                + " (or model.safetensors.index.json) at its root"));
        selection.missing(available).ifPresent(missing -> {
            throw new HubException(where + " has safetensors weights but no " + missing + ", which serving them"
                    + " needs");
        });
        try {
            cache.writeRef(repo.revision(), commit);
        } catch (IOException e) {
            throw new HubException("Cannot write into the cache " + settings.cacheDir() + ": " + HubClient.describe(e)
                    + " (reranker.cache-dir / HF_HUB_CACHE must be a writable directory)", e);
        }
        LOG.infof("%s is commit %s and has no ONNX graph to serve: fetching %s, %s and building the graph",
                repo, commit, selection.weights(), String.join(", ", selection.supportFiles()));
        for (String file : selection.supportFiles()) {
            fetch(cache, repo, commit, file);
        }
        Path weights = fetch(cache, repo, commit, selection.weights());
        if (selection.sharded()) {
            List<String> shards = SafetensorsCheckpoint.shardNames(weights);
            for (String shard : shards) {
                if (!available.contains(shard)) {
                    throw new HubException(SafetensorsCheckpoint.INDEX + " of " + where + " names shard " + shard
                            + ", which the repository does not have");
                }
            }
            long bytes = shards.stream().mapToLong(f -> listing.files().get(f).orElse(0)).sum();
            LOG.infof("%s keeps its weights in %d shards (%s)", repo, shards.size(), Downloader.mb(bytes));
            for (String shard : shards) {
                fetch(cache, repo, commit, shard);
            }
        }
        return safetensorsFiles(cache, commit, name, repo, graphCacheDir, precision);
    }

    private static boolean hasOnnx(Collection<String> files, Optional<String> onnxFile, Precision precision) {
        return onnxFile.isPresent() || OnnxExports.of(precision).stream().anyMatch(files::contains);
    }

    /** Empty when the cached snapshot holds every file of {@code selection} (and its shards), intact. */
    private Optional<String> cachedSafetensors(HubCache cache, RepoRef repo, String commit,
            SafetensorsSelection selection, Set<String> cached) {
        Optional<String> missing = selection.missing(cached);
        if (missing.isPresent()) {
            return Optional.of("the cached snapshot " + cache.snapshot(commit) + " has no " + missing.get());
        }
        List<String> all = new ArrayList<>(selection.supportFiles());
        all.add(selection.weights());
        if (selection.sharded()) {
            List<String> shards;
            try {
                shards = SafetensorsCheckpoint.shardNames(cache.pointer(commit, selection.weights()));
            } catch (RuntimeException e) {
                return Optional.of(e.getMessage());
            }
            for (String shard : shards) {
                if (!cached.contains(shard)) {
                    return Optional.of("the cached snapshot " + cache.snapshot(commit) + " lacks shard " + shard);
                }
            }
            all.addAll(shards);
        }
        return settings.verifyCache() ? verify(cache, repo, commit, all) : Optional.empty();
    }

    private ModelFiles safetensorsFiles(HubCache cache, String commit, Optional<String> name, RepoRef repo,
            Path graphCacheDir, Precision precision) {
        Path snapshot = cache.snapshot(commit);
        status.accept("Building the ONNX graph of " + repo + " from its safetensors weights");
        PreparedGraph graph = SafetensorsGraph.prepare(snapshot, "reranker-graph-" + shortCommit(commit),
                SafetensorsGraph.fallbackDir(graphCacheDir, snapshot), precision);
        return new ModelFiles(name.orElse(repo.id()), snapshot.toString(), graph.graph(),
                snapshot.resolve("tokenizer.json"), Optional.of(snapshot.resolve("config.json")), false, precision);
    }

    private ModelFiles resolveOnnx(RepoRef repo, Optional<String> onnxFile, Optional<String> name,
            RepoListing known, Precision precision) {
        HubCache cache = new HubCache(settings.cacheDir(), repo);
        Probe probe = probeCache(cache, repo, onnxFile, precision);
        if (probe.hit().isPresent()) {
            Hit hit = probe.hit().get();
            LOG.infof("Serving %s from the cache: %s (commit %s), no request to the Hub", repo,
                    cache.snapshot(hit.commit()), hit.commit());
            return files(cache, hit.commit(), hit.selection(), name, repo, precision);
        }
        if (settings.offline()) {
            throw new HubException("HF_HUB_OFFLINE (reranker.hub.offline) is set and the cache " + settings.cacheDir()
                    + " has no complete copy of " + repo + ": " + probe.reason() + ". Start once with access to "
                    + settings.endpoint() + ", or pre-seed the cache (e.g. `huggingface-cli download " + repo.id()
                    + " --revision " + repo.revision() + "` with HF_HUB_CACHE=" + settings.cacheDir() + ")");
        }
        if (known == null) {
            LOG.infof("Fetching %s from %s into %s (%s)", repo, settings.endpoint(), settings.cacheDir(),
                    probe.reason());
            status.accept("Resolving " + repo + " on " + settings.endpoint());
        }
        RepoListing listing = known != null ? known : client.listing(repo);
        String commit = listing.commit();
        FileSelection selection = FileSelection.select(listing.files().keySet(), onnxFile, repo.id(),
                "Repository " + repo.id() + " at " + repo.revision() + " (commit " + shortCommit(commit) + ")",
                precision);
        try {
            cache.writeRef(repo.revision(), commit);
        } catch (IOException e) {
            throw new HubException("Cannot write into the cache " + settings.cacheDir() + ": " + HubClient.describe(e)
                    + " (reranker.cache-dir / HF_HUB_CACHE must be a writable directory)", e);
        }
        LOG.infof("%s is commit %s; fetching %s, %s and their external data", repo, commit, selection.onnx(),
                String.join(", ", selection.beforeOnnx()));
        for (String file : selection.beforeOnnx()) {
            fetch(cache, repo, commit, file);
        }
        Path onnx = fetch(cache, repo, commit, selection.onnx());
        List<String> external = externalData(selection.onnx(), onnx, listing.files().keySet(), repo.toString());
        if (!external.isEmpty()) {
            long bytes = external.stream().mapToLong(f -> listing.files().get(f).orElse(0)).sum();
            LOG.infof("%s keeps its weights in %s (%s)", selection.onnx(), String.join(", ", external),
                    Downloader.mb(bytes));
        }
        for (String file : external) {
            fetch(cache, repo, commit, file);
        }
        return files(cache, commit, selection, name, repo, precision);
    }

    private Path fetch(HubCache cache, RepoRef repo, String commit, String file) {
        FileMetadata meta = client.metadata(repo, commit, file);
        return downloader.fetch(cache, repo, commit, file, meta);
    }

    private ModelFiles files(HubCache cache, String commit, FileSelection selection, Optional<String> name,
            RepoRef repo, Precision precision) {
        Path snapshot = cache.snapshot(commit);
        return new ModelFiles(name.orElse(repo.id()), snapshot.toString(), snapshot.resolve(selection.onnx()),
                snapshot.resolve(selection.tokenizer()), selection.config().map(snapshot::resolve), false,
                precision);
    }

    /** A usable cached snapshot, or why there is none. */
    private record Probe(Optional<Hit> hit, String reason) {
        static Probe miss(String reason) {
            return new Probe(Optional.empty(), reason);
        }
    }

    private record Hit(String commit, FileSelection selection) {
    }

    private Probe probeCache(HubCache cache, RepoRef repo, Optional<String> onnxFile, Precision precision) {
        Optional<String> found = cache.commitFor(repo.revision());
        if (found.isEmpty()) {
            return Probe.miss("nothing cached for revision " + repo.revision() + " in " + cache.repoDir());
        }
        String commit = found.get();
        Set<String> cached = cache.snapshotFiles(commit);
        if (cached.isEmpty()) {
            return Probe.miss("no snapshot " + cache.snapshot(commit));
        }
        FileSelection selection;
        List<String> external;
        try {
            selection = FileSelection.select(cached, onnxFile, repo.id(),
                    "The cached snapshot " + cache.snapshot(commit), precision);
            external = externalData(selection.onnx(), cache.pointer(commit, selection.onnx()), cached,
                    "the cached snapshot " + cache.snapshot(commit));
        } catch (HubException e) {
            return Probe.miss(e.getMessage());
        }
        if (settings.verifyCache()) {
            List<String> all = new ArrayList<>(selection.beforeOnnx());
            all.add(selection.onnx());
            all.addAll(external);
            Optional<String> corrupt = verify(cache, repo, commit, all);
            if (corrupt.isPresent()) {
                return Probe.miss(corrupt.get());
            }
        }
        return new Probe(Optional.of(new Hit(commit, selection)), "cached");
    }

    /**
     * Re-hashes cached files against their blob names, except blobs unchanged since they last hashed right
     * ({@link VerifiedBlobs}). A corrupt blob is removed when the Hub can be asked for it again; offline it stops
     * startup, since serving it would give wrong scores or crash ONNX Runtime.
     */
    private Optional<String> verify(HubCache cache, RepoRef repo, String commit, Collection<String> files) {
        long start = System.nanoTime();
        long bytes = 0;
        int hashed = 0;
        for (String file : files) {
            Path pointer = cache.pointer(commit, file);
            try {
                Path blob = pointer.toRealPath();
                // Where links are not allowed the snapshot holds copies: no stamp beside those, they are hashed.
                boolean stamped = blob.startsWith(cache.blobs().toRealPath());
                if (stamped && VerifiedBlobs.unchanged(blob)) {
                    continue;
                }
                String etag = blob.getFileName().toString();
                bytes += Files.size(blob);
                hashed++;
                Optional<String> actual = BlobDigest.mismatch(blob, etag);
                if (actual.isPresent()) {
                    String problem = "the cached " + file + " of " + repo + " is corrupt: blob " + blob
                            + " hashes to " + actual.get();
                    if (settings.offline()) {
                        throw new HubException(problem + ". HF_HUB_OFFLINE is set, so it cannot be downloaded again:"
                                + " delete it and start once with access to " + settings.endpoint()
                                + ", or restore the cache volume");
                    }
                    LOG.warnf("%s; removing it and downloading it again", problem);
                    cache.evict(commit, file, blob);
                    return Optional.of(problem);
                }
                if (stamped) {
                    VerifiedBlobs.record(blob);
                }
            } catch (IOException e) {
                return Optional.of("cannot read the cached " + file + " (" + HubClient.describe(e) + ")");
            }
        }
        LOG.infof("Verified %d cached files of %s: %d hashed (%s) in %d ms, %d unchanged since they were verified",
                files.size(), repo, hashed, Downloader.mb(bytes), (System.nanoTime() - start) / 1_000_000,
                files.size() - hashed);
        return Optional.empty();
    }

    /**
     * The repository paths of the external data that the ONNX graph names, each checked to lie inside the
     * repository and to be among {@code available}.
     */
    static List<String> externalData(String onnxPath, Path onnxFile, Collection<String> available, String where) {
        String dir = onnxPath.contains("/") ? onnxPath.substring(0, onnxPath.lastIndexOf('/') + 1) : "";
        Set<String> files = new LinkedHashSet<>();
        for (String location : OnnxExternalData.locations(onnxFile)) {
            String path = resolve(dir, location);
            if (path == null) {
                throw new HubException(onnxPath + " of " + where + " names external data '" + location
                        + "' outside its repository; it cannot be served");
            }
            if (!available.contains(path)) {
                throw new HubException(onnxPath + " keeps its weights in " + path + ", which " + where
                        + " does not have");
            }
            files.add(path);
        }
        return List.copyOf(files);
    }

    /** {@code dir + location} with "." and ".." applied, or null when it leaves the repository. */
    private static String resolve(String dir, String location) {
        if (location.startsWith("/") || location.contains("\\") || location.contains(":")) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : (dir + location).split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.remove(parts.size() - 1);
            } else {
                parts.add(part);
            }
        }
        return parts.isEmpty() ? null : String.join("/", parts);
    }

    private static String shortCommit(String commit) {
        return commit.length() > 12 ? commit.substring(0, 12) : commit;
    }
}
