package dev.reranker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A Hugging Face Hub on the loopback interface, with the URL layout and headers huggingface_hub relies on:
 * <ul>
 * <li>{@code GET /api/models/{id}/revision/{rev}} → {@code {"sha", "siblings": [{"rfilename", "blobId", "size",
 * "lfs"}]}};</li>
 * <li>{@code HEAD|GET /{id}/resolve/{rev}/{path}} → X-Repo-Commit, ETag (git blob id) for small files; for LFS files
 * a 302 to a CDN on another port with X-Linked-Etag (sha256) and X-Linked-Size;</li>
 * <li>the CDN serves {@code Range: bytes=N-} with 206 and rejects requests that carry a token, as S3's signed URLs
 * do;</li>
 * <li>401 for unknown and private repositories without a token (the Hub does not tell them apart), X-Error-Code
 * RepoNotFound / RevisionNotFound / EntryNotFound.</li>
 * </ul>
 * Faults can be injected per file: a connection cut after N bytes, corrupted bytes, a body held until released.
 * Every request is recorded so tests can count them. Control routes under {@code /_fake/} let a test in another
 * class loader (a @QuarkusTest) drive it over HTTP.
 */
public final class FakeHub implements AutoCloseable {

    public static final String TOKEN = "hf_fake_token_for_tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LFS_THRESHOLD = 64 * 1024;

    /** One recorded request. */
    public record Request(String server, String method, String path, Optional<String> range,
            Optional<String> authorization) {
    }

    @SuppressWarnings("ArrayRecordComponent") // a file's bytes, compared by hash, never by equals
    private record Blob(String path, byte[] bytes, String sha256, String gitSha1, boolean lfs) {
    }

    private record Repo(String id, String commit, Map<String, Blob> files, boolean isPrivate) {
    }

    private final HttpServer hub;
    private final HttpServer cdn;
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-hub");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, Blob> blobsBySha = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Long> interruptOnce = new ConcurrentHashMap<>();
    private final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stallOnce = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> gateArrivals = new ConcurrentHashMap<>();

    public FakeHub() {
        try {
            InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            hub = HttpServer.create(loopback, 0);
            cdn = HttpServer.create(loopback, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        hub.createContext("/", this::handleHub);
        cdn.createContext("/", this::handleCdn);
        hub.setExecutor(executor);
        cdn.setExecutor(executor);
        hub.start();
        cdn.start();
    }

    /** Serves the files of a folder of this repository (src/..), recursively, as repository {@code id}. */
    public FakeHub repo(String id, Path folder) {
        Map<String, Path> files = new LinkedHashMap<>();
        try (var walk = Files.walk(folder)) {
            walk.filter(Files::isRegularFile).sorted()
                    .forEach(f -> files.put(folder.relativize(f).toString().replace('\\', '/'), f));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return repo(id, files, false);
    }

    /** Serves the given repository paths, each with the contents of a local file. */
    public FakeHub repo(String id, Map<String, Path> files, boolean isPrivate) {
        Map<String, Blob> blobs = new LinkedHashMap<>();
        MessageDigest commit = digest("SHA-1");
        commit.update(id.getBytes(StandardCharsets.UTF_8));
        files.forEach((path, file) -> {
            byte[] bytes = read(file);
            Blob blob = new Blob(path, bytes, sha256(bytes), gitSha1(bytes),
                    bytes.length > LFS_THRESHOLD || path.endsWith(".onnx") || path.endsWith(".onnx_data"));
            blobs.put(path, blob);
            blobsBySha.put(blob.sha256(), blob);
            commit.update(path.getBytes(StandardCharsets.UTF_8));
            commit.update(blob.sha256().getBytes(StandardCharsets.US_ASCII));
        });
        repos.put(id, new Repo(id, HexFormat.of().formatHex(commit.digest()), blobs, isPrivate));
        return this;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + hub.getAddress().getPort();
    }

    public String commit(String repo) {
        return repos.get(repo).commit();
    }

    public boolean has(String repo, String path) {
        return repos.containsKey(repo) && repos.get(repo).files().containsKey(path);
    }

    /** The ETag the Hub gives a file: sha256 for LFS files, git blob id otherwise. */
    public String etag(String repo, String path) {
        Blob blob = repos.get(repo).files().get(path);
        return blob.lfs() ? blob.sha256() : blob.gitSha1();
    }

    public byte[] bytes(String repo, String path) {
        return repos.get(repo).files().get(path).bytes().clone();
    }

    /** The next download of {@code path} (any repository) sends {@code bytes} bytes and then drops the connection. */
    public void interruptOnce(String path, long bytes) {
        interruptOnce.put(path, bytes);
    }

    /** The next download of {@code path} sends 64 KB and then nothing more for 30 s, like a hung connection. */
    public void stallOnce(String path) {
        stallOnce.put(path, true);
    }

    /** Every download of {@code path} delivers the right length with one byte changed. */
    public void corrupt(String path) {
        corrupt.put(path, true);
    }

    /** Downloads of {@code path} send the first 64 KB and then wait for {@link #release(String)} (at most 60 s). */
    public void gate(String path) {
        gates.put(path, new CountDownLatch(1));
        gateArrivals.put(path, new CountDownLatch(1));
    }

    public void release(String path) {
        Optional.ofNullable(gates.get(path)).ifPresent(CountDownLatch::countDown);
    }

    /** Waits until a download of a gated {@code path} is being held. */
    public boolean awaitGated(String path, long timeout, TimeUnit unit) throws InterruptedException {
        return gateArrivals.get(path).await(timeout, unit);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clearRequests() {
        requests.clear();
    }

    /** Downloads of the file's bytes (GET on the CDN or on a resolve URL that answers with the body). */
    public List<Request> downloads(String path) {
        return requests.stream().filter(r -> r.method().equals("GET")
                && (r.path().endsWith("/" + path) || (r.server().equals("cdn") && r.path().endsWith(sha(path)))))
                .toList();
    }

    private String sha(String path) {
        return repos.values().stream().map(r -> r.files().get(path)).filter(b -> b != null).map(Blob::sha256)
                .findFirst().orElse("-");
    }

    @Override
    public void close() {
        gates.values().forEach(CountDownLatch::countDown);
        hub.stop(0);
        cdn.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- the Hub

    private void handleHub(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            record(exchange, "hub");
            if (path.startsWith("/_fake/")) {
                control(exchange, path.substring("/_fake/".length()));
            } else if (path.startsWith("/api/models/")) {
                listing(exchange, decode(path.substring("/api/models/".length())));
            } else if (path.contains("/resolve/")) {
                resolve(exchange, path);
            } else {
                send(exchange, 404, Map.of(), new byte[0]);
            }
        }
    }

    /** {@code org/name/revision/rev}. */
    private void listing(HttpExchange exchange, String rest) throws IOException {
        int at = rest.indexOf("/revision/");
        String id = at < 0 ? rest : rest.substring(0, at);
        String revision = at < 0 ? "main" : rest.substring(at + "/revision/".length());
        Optional<Repo> repo = authorize(exchange, id);
        if (repo.isEmpty()) {
            return;
        }
        if (!revisionExists(repo.get(), revision)) {
            send(exchange, 404, Map.of("X-Error-Code", "RevisionNotFound", "X-Error-Message", "Invalid rev id: "
                    + revision), new byte[0]);
            return;
        }
        List<Map<String, Object>> siblings = new ArrayList<>();
        for (Blob blob : repo.get().files().values()) {
            Map<String, Object> sibling = new LinkedHashMap<>();
            sibling.put("rfilename", blob.path());
            sibling.put("blobId", blob.gitSha1());
            sibling.put("size", blob.bytes().length);
            if (blob.lfs()) {
                sibling.put("lfs", Map.of("sha256", blob.sha256(), "size", blob.bytes().length, "pointerSize", 134));
            }
            siblings.add(sibling);
        }
        byte[] body = JSON.writeValueAsBytes(Map.of("_id", "fake", "id", id, "modelId", id, "sha",
                repo.get().commit(), "private", repo.get().isPrivate(), "siblings", siblings));
        send(exchange, 200, Map.of("Content-Type", "application/json"), body);
    }

    /** {@code /org/name/resolve/rev/path...}. */
    private void resolve(HttpExchange exchange, String rawPath) throws IOException {
        String path = rawPath.substring(1);
        int at = path.indexOf("/resolve/");
        String id = decode(path.substring(0, at));
        String rest = path.substring(at + "/resolve/".length());
        String revision = decode(rest.substring(0, rest.indexOf('/')));
        String file = decode(rest.substring(rest.indexOf('/') + 1));
        Optional<Repo> repo = authorize(exchange, id);
        if (repo.isEmpty()) {
            return;
        }
        if (!revisionExists(repo.get(), revision)) {
            send(exchange, 404, Map.of("X-Error-Code", "RevisionNotFound"), new byte[0]);
            return;
        }
        Blob blob = repo.get().files().get(file);
        if (blob == null) {
            send(exchange, 404, Map.of("X-Error-Code", "EntryNotFound", "X-Repo-Commit", repo.get().commit()),
                    new byte[0]);
            return;
        }
        Headers headers = exchange.getResponseHeaders();
        headers.set("X-Repo-Commit", repo.get().commit());
        if (blob.lfs()) {
            headers.set("ETag", "\"" + gitSha1(pointerFile(blob)) + "\"");
            headers.set("X-Linked-Etag", "\"" + blob.sha256() + "\"");
            headers.set("X-Linked-Size", Long.toString(blob.bytes().length));
            headers.set("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/repos/" + blob.sha256()
                    + "?X-Amz-Signature=fake");
            exchange.sendResponseHeaders(302, -1);
            return;
        }
        headers.set("ETag", "\"" + blob.gitSha1() + "\"");
        if (exchange.getRequestMethod().equals("HEAD")) {
            headers.set("Content-Length", Long.toString(blob.bytes().length));
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        body(exchange, blob);
    }

    private Optional<Repo> authorize(HttpExchange exchange, String id) throws IOException {
        Optional<String> auth = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"));
        if (auth.isPresent() && !auth.get().equals("Bearer " + TOKEN)) {
            send(exchange, 401, Map.of("X-Error-Message", "Invalid credentials in Authorization header"),
                    new byte[0]);
            return Optional.empty();
        }
        Repo repo = repos.get(id);
        if (repo == null || (repo.isPrivate() && auth.isEmpty())) {
            // Like the Hub: without a token, a private repository looks exactly like a missing one.
            send(exchange, auth.isEmpty() ? 401 : 404, Map.of("X-Error-Code", "RepoNotFound", "X-Error-Message",
                    "Repository not found"), new byte[0]);
            return Optional.empty();
        }
        return Optional.of(repo);
    }

    private static boolean revisionExists(Repo repo, String revision) {
        return revision.equals("main") || revision.equals(repo.commit());
    }

    // ---------------------------------------------------------------- the CDN

    private void handleCdn(HttpExchange exchange) throws IOException {
        try (exchange) {
            record(exchange, "cdn");
            if (exchange.getRequestHeaders().containsKey("Authorization")) {
                // S3 refuses a signed URL that also carries an Authorization header.
                send(exchange, 400, Map.of(), "Only one auth mechanism allowed".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Blob blob = blobsBySha.get(path.substring(path.lastIndexOf('/') + 1));
            if (blob == null) {
                send(exchange, 404, Map.of(), new byte[0]);
                return;
            }
            body(exchange, blob);
        }
    }

    /** The file's bytes, honouring {@code Range: bytes=N-} and the faults set for it. */
    private void body(HttpExchange exchange, Blob blob) throws IOException {
        byte[] bytes = blob.bytes();
        if (corrupt.containsKey(blob.path())) {
            bytes = bytes.clone();
            bytes[bytes.length / 2] ^= 0x5a;
        }
        long from = 0;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
            if (from >= bytes.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + bytes.length);
                exchange.sendResponseHeaders(416, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Range",
                    "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, bytes.length - from);
        OutputStream out = exchange.getResponseBody();
        int start = (int) from;
        Long cut = interruptOnce.remove(blob.path());
        if (cut != null) {
            out.write(bytes, start, (int) Math.min(cut, bytes.length - start));
            out.flush();
            // Returning short of the announced length makes the server drop the connection mid-body, which is
            // what a network failure looks like to the client.
            return;
        }
        if (stallOnce.remove(blob.path()) != null) {
            out.write(bytes, start, Math.min(64 * 1024, bytes.length - start));
            out.flush();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        CountDownLatch gate = gates.get(blob.path());
        if (gate != null) {
            int head = Math.min(64 * 1024, bytes.length - start);
            out.write(bytes, start, head);
            out.flush();
            start += head;
            gateArrivals.get(blob.path()).countDown();
            try {
                gate.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        out.write(bytes, start, bytes.length - start);
    }

    // ---------------------------------------------------------------- control routes for other class loaders

    private void control(HttpExchange exchange, String command) throws IOException {
        String arg = Optional.ofNullable(exchange.getRequestURI().getQuery()).map(q -> q.substring(q.indexOf('=') + 1))
                .orElse("");
        String answer = switch (command) {
            case "release" -> {
                release(arg);
                yield "released";
            }
            case "gated" -> {
                try {
                    yield Boolean.toString(awaitGated(arg, 30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    yield "false";
                }
            }
            case "downloads" -> Integer.toString(downloads(arg).size());
            default -> "unknown";
        };
        send(exchange, 200, Map.of("Content-Type", "text/plain"), answer.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- helpers

    private void record(HttpExchange exchange, String server) {
        URI uri = exchange.getRequestURI();
        if (uri.getPath().startsWith("/_fake/")) {
            return;
        }
        Headers h = exchange.getRequestHeaders();
        requests.add(new Request(server, exchange.getRequestMethod().toUpperCase(Locale.ROOT), uri.getPath(),
                Optional.ofNullable(h.getFirst("Range")), Optional.ofNullable(h.getFirst("Authorization"))));
    }

    private static void send(HttpExchange exchange, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        headers.forEach(exchange.getResponseHeaders()::set);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] pointerFile(Blob blob) {
        return ("version https://git-lfs.github.com/spec/v1\noid sha256:" + blob.sha256() + "\nsize "
                + blob.bytes().length + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String decode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static byte[] read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(bytes));
    }

    public static String gitSha1(byte[] bytes) {
        MessageDigest sha1 = digest("SHA-1");
        sha1.update(("blob " + bytes.length + "\0").getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(sha1.digest(bytes));
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
