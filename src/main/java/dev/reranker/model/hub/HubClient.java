package dev.reranker.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The three calls of the Hub protocol that huggingface_hub makes to download a file, and nothing else:
 * <ul>
 * <li>{@code GET /api/models/{id}/revision/{rev}?blobs=true}: the commit a revision points at and its files;</li>
 * <li>{@code HEAD /{id}/resolve/{commit}/{path}}: the blob name (X-Linked-Etag or ETag), size, and for LFS files a
 * redirect to the CDN;</li>
 * <li>{@code GET} of that location, with {@code Range} to resume.</li>
 * </ul>
 * Redirects are followed by hand: relative ones (a renamed repository) keep the token, a redirect to another host
 * (the CDN's signed URL) is where the bytes are and gets no token, as in huggingface_hub.
 */
class HubClient {

    private static final Logger LOG = Logger.getLogger(HubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final String USER_AGENT = "reranker-service (java.net.http; " + Runtime.version() + ")";

    private final HubSettings settings;
    private final HttpClient http;

    public HubClient(HubSettings settings) {
        this.settings = settings;
        // HTTP/1.1: one long stream per file; the CDN serves ranges the same way and nothing is gained from h2 here.
        this.http = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The commit the revision points at, and the repository's files with their sizes. */
    public RepoListing listing(RepoRef repo) {
        URI uri = URI.create(settings.endpoint() + "/api/models/" + repo.id() + "/revision/"
                + encodeSegment(repo.revision()) + "?blobs=true");
        HttpResponse<byte[]> response = withRetries("list " + repo, () -> followHubRedirects(uri, "GET",
                HttpResponse.BodyHandlers.ofByteArray()));
        if (response.statusCode() != 200) {
            throw error(repo, response.statusCode(), response.headers(), "list the files of " + repo);
        }
        JsonNode root;
        try {
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new HubException("The Hub at " + settings.endpoint() + " answered " + uri
                    + " with something that is not JSON: " + e.getMessage(), e);
        }
        String commit = root.path("sha").asText("");
        if (!RepoRef.isCommit(commit)) {
            throw new HubException("The Hub at " + settings.endpoint() + " gave no commit (\"sha\") for " + repo
                    + "; is HF_ENDPOINT a Hugging Face Hub or mirror?");
        }
        Map<String, OptionalLong> files = new LinkedHashMap<>();
        for (JsonNode sibling : root.path("siblings")) {
            String name = sibling.path("rfilename").asText("");
            if (name.isEmpty()) {
                continue;
            }
            JsonNode size = sibling.has("size") ? sibling.get("size") : sibling.path("lfs").path("size");
            files.put(name, size.canConvertToLong() ? OptionalLong.of(size.asLong()) : OptionalLong.empty());
        }
        return new RepoListing(commit, files);
    }

    /** Blob name, size and download location of one file of a commit. */
    public FileMetadata metadata(RepoRef repo, String commit, String file) {
        URI uri = URI.create(settings.endpoint() + "/" + repo.id() + "/resolve/" + commit + "/" + encodePath(file));
        HttpResponse<Void> response = withRetries("look up " + file + " of " + repo,
                () -> followHubRedirects(uri, "HEAD", HttpResponse.BodyHandlers.discarding()));
        int status = response.statusCode();
        boolean redirect = status >= 300 && status < 400;
        if (status != 200 && !redirect) {
            throw error(repo, status, response.headers(), "look up " + file + " in " + repo);
        }
        HttpHeaders headers = response.headers();
        String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
                .map(HubClient::normalizeEtag).filter(e -> !e.isEmpty())
                .orElseThrow(() -> new HubException("The Hub sent no ETag for " + file + " of " + repo
                        + "; without it the download cannot be verified or cached (is HF_ENDPOINT a Hub mirror?)"));
        OptionalLong size = headers.firstValue("X-Linked-Size").or(() -> redirect ? Optional.empty()
                : headers.firstValue("Content-Length")).map(HubClient::parseLong).orElse(OptionalLong.empty());
        URI location = redirect ? headers.firstValue("Location").map(response.uri()::resolve).orElse(response.uri())
                : response.uri();
        return new FileMetadata(etag, size, location, sameHost(location));
    }

    /**
     * Starts the download of a file from {@code offset}. The caller reads and closes the body. Statuses that a
     * retry may cure (5xx, 429) come back as IOException; the rest as HubException.
     */
    public HttpResponse<InputStream> download(FileMetadata file, long offset, String what) throws IOException {
        URI uri = file.location();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity");
            if (sameHost(uri)) {
                authorize(request);
            }
            if (offset > 0) {
                request.header("Range", "bytes=" + offset + "-");
            }
            HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status == 200 || status == 206 || status == 416) {
                return response;
            }
            response.body().close();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status == 429 || status >= 500) {
                throw new IOException("HTTP " + status + " from " + uri.getHost());
            }
            throw new HubException("Download of " + what + " from " + uri.getHost() + " failed with HTTP " + status
                    + (status == 403 ? " (the signed CDN link may have expired; start again)" : ""));
        }
        throw new HubException("Download of " + what + " was redirected more than " + MAX_REDIRECTS + " times");
    }

    private <T> HttpResponse<T> followHubRedirects(URI uri, String method, HttpResponse.BodyHandler<T> handler)
            throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current)
                    .method(method, HttpRequest.BodyPublishers.noBody())
                    .timeout(settings.readTimeout()).header("User-Agent", USER_AGENT)
                    .header("Accept-Encoding", "identity");
            authorize(request);
            HttpResponse<T> response = send(request.build(), handler);
            int status = response.statusCode();
            Optional<URI> next = status >= 300 && status < 400
                    ? response.headers().firstValue("Location").map(current::resolve)
                    : Optional.empty();
            // Only redirects within the Hub are followed; one to another host is the CDN location of an LFS file.
            if (next.isEmpty() || !sameHost(next.get())) {
                return response;
            }
            current = next.get();
        }
        throw new HubException("The Hub redirected " + uri + " more than " + MAX_REDIRECTS + " times");
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("Interrupted while talking to " + request.uri().getHost(), e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        HttpResponse<T> run() throws IOException;
    }

    /** Connection failures and 5xx/429 answers are retried with backoff; any other answer is final. */
    private <T> HttpResponse<T> withRetries(String what, Call<T> call) {
        IOException last = null;
        for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
            if (attempt > 1) {
                pause(settings.backoff(attempt));
            }
            try {
                HttpResponse<T> response = call.run();
                int status = response.statusCode();
                if ((status == 429 || status >= 500) && attempt < settings.maxAttempts()) {
                    LOG.warnf("The Hub answered HTTP %d when asked to %s; trying again (attempt %d of %d)", status,
                            what, attempt + 1, settings.maxAttempts());
                    continue;
                }
                return response;
            } catch (IOException e) {
                last = e;
                if (attempt < settings.maxAttempts()) {
                    LOG.warnf("Cannot %s at %s (%s); trying again (attempt %d of %d)", what, settings.endpoint(),
                            describe(e), attempt + 1, settings.maxAttempts());
                }
            }
        }
        throw new HubException("Cannot reach the Hugging Face Hub at " + settings.endpoint() + " to " + what + " ("
                + describe(last) + ") after " + settings.maxAttempts() + " attempts: check the network and HF_ENDPOINT,"
                + " or pre-seed the cache " + settings.cacheDir() + " and set HF_HUB_OFFLINE=1", last);
    }

    private HubException error(RepoRef repo, int status, HttpHeaders headers, String what) {
        String code = headers.firstValue("X-Error-Code").orElse("");
        String hubSays = headers.firstValue("X-Error-Message").map(m -> " (the Hub says: " + m + ")").orElse("");
        String where = settings.endpoint().toString();
        String message = switch (status) {
            case 401 -> settings.token().isEmpty()
                    ? "Repository " + repo.id() + " was not found on " + where + ", or it is private or gated and needs"
                            + " a token: set HF_TOKEN (reranker.hub.token) to a token with access to it"
                    : "Repository " + repo.id() + " was not found on " + where + ", or the token in HF_TOKEN"
                            + " (reranker.hub.token) is invalid or has no access to it";
            case 403 -> "GatedRepo".equals(code)
                    ? "Repository " + repo.id() + " is gated: accept its conditions at " + where + "/" + repo.id()
                            + " with the account whose token is in HF_TOKEN"
                    : "Access to " + repo.id() + " on " + where + " is denied (403)"
                            + (settings.token().isEmpty() ? "; set HF_TOKEN to a token with access to it"
                                    : " for the token in HF_TOKEN");
            case 404 -> switch (code) {
                case "RevisionNotFound" ->
                    "Revision '" + repo.revision() + "' (reranker.model.revision) does not exist in "
                            + repo.id() + " on " + where;
                case "EntryNotFound" -> "The Hub lists a file of " + repo + " that it then cannot find; try again";
                default -> "Repository " + repo.id() + " was not found on " + where
                        + " (reranker.model.id / RERANKER_MODEL_ID)";
            };
            default -> "The Hub at " + where + " answered HTTP " + status + " when asked to " + what
                    + "; try again later, or pre-seed the cache " + settings.cacheDir() + " and set HF_HUB_OFFLINE=1";
        };
        return new HubException(message + hubSays);
    }

    private void authorize(HttpRequest.Builder request) {
        settings.token().ifPresent(token -> request.header("Authorization", "Bearer " + token));
    }

    private boolean sameHost(URI uri) {
        URI hub = settings.endpoint();
        return Objects.equals(hub.getScheme(), uri.getScheme()) && Objects.equals(hub.getHost(), uri.getHost())
                && hub.getPort() == uri.getPort();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("Interrupted while waiting to retry a Hub request", e);
        }
    }

    /** huggingface_hub's _normalize_etag: the Hub sends {@code "abc"}; proxies may weaken it to {@code W/"abc"}. */
    static String normalizeEtag(String etag) {
        String e = etag.strip();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        return e.replace("\"", "");
    }

    static String describe(Throwable e) {
        if (e == null) {
            return "no answer";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    private static OptionalLong parseLong(String value) {
        try {
            return OptionalLong.of(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** A revision is one path segment: "refs/pr/1" travels as refs%2Fpr%2F1, as huggingface_hub quotes it. */
    static String encodeSegment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A file path keeps its slashes; each segment is encoded. */
    static String encodePath(String path) {
        return Stream.of(path.split("/")).map(HubClient::encodeSegment).collect(Collectors.joining("/"));
    }
}
