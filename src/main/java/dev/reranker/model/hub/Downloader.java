package dev.reranker.model.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * Brings one file of a commit into the cache: streamed to {@code blobs/<etag>.incomplete}, resumed with a Range
 * request after an interruption (in this run or an earlier one), checked against its hash, renamed atomically to
 * {@code blobs/<etag>} and linked from the snapshot. A lock file per blob keeps two processes that share the cache
 * from writing the same file; the second one waits and then finds the blob there.
 */
final class Downloader {

    private static final Logger LOG = Logger.getLogger(Downloader.class);
    private static final double MB = 1024.0 * 1024.0;
    /** FileChannel locks are per process: threads of one JVM must also exclude each other. */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS_IN_THIS_PROCESS = new ConcurrentHashMap<>();

    private final HubClient client;
    private final HubSettings settings;
    private final Consumer<String> status;
    private final LongSupplier nanoClock;
    private final FreeSpace freeSpace;

    /** Bytes that may still be written into a directory; a seam so a full disk can be tested. */
    @FunctionalInterface
    interface FreeSpace {
        long in(Path directory) throws IOException;
    }

    public Downloader(HubClient client, HubSettings settings, Consumer<String> status) {
        this(client, settings, status, System::nanoTime, dir -> Files.getFileStore(dir).getUsableSpace());
    }

    Downloader(HubClient client, HubSettings settings, Consumer<String> status, LongSupplier nanoClock,
            FreeSpace freeSpace) {
        this.client = client;
        this.settings = settings;
        this.status = status;
        this.nanoClock = nanoClock;
        this.freeSpace = freeSpace;
    }

    /**
     * Makes {@code snapshots/<commit>/<file>} available, downloading its blob unless the cache already has it (any
     * snapshot may share it). Returns the snapshot path.
     */
    public Path fetch(HubCache cache, RepoRef repo, String commit, String file, FileMetadata meta) {
        String label = repo.id() + " " + file;
        Path blob = cache.blob(meta.etag());
        try {
            if (!Files.isRegularFile(blob)) {
                Files.createDirectories(cache.blobs());
                underLock(cache, meta.etag(), label, () -> {
                    if (!Files.isRegularFile(blob)) {
                        download(cache, label, meta);
                    }
                });
            }
            return cache.link(meta.etag(), commit, file);
        } catch (IOException e) {
            throw cacheFailure(cache, label, e);
        }
    }

    private void download(HubCache cache, String label, FileMetadata meta) throws IOException {
        Path part = cache.incomplete(meta.etag());
        long expected = meta.size().orElse(-1);
        boolean resumed = Files.exists(part) && Files.size(part) > 0;
        transfer(part, label, meta, expected);
        Optional<String> problem = check(part, meta.etag(), expected);
        if (problem.isPresent() && resumed) {
            // The partial file may come from another version of the blob or a crashed writer: one clean try.
            LOG.warnf("%s did not verify after resuming an earlier partial download (%s); downloading it again from"
                    + " the start", label, problem.get());
            Files.deleteIfExists(part);
            transfer(part, label, meta, expected);
            problem = check(part, meta.etag(), expected);
        }
        if (problem.isPresent()) {
            Files.deleteIfExists(part);
            throw new HubException("Checksum mismatch for " + label + ": " + problem.get() + ". The download was"
                    + " deleted; start again to retry, and if it happens again check HF_ENDPOINT and any proxy"
                    + " between this host and " + meta.location().getHost());
        }
        HubCache.moveAtomically(part, cache.blob(meta.etag()));
        VerifiedBlobs.record(cache.blob(meta.etag()));
    }

    /** Empty when the file has the announced size and hashes to its ETag, else what is wrong. */
    private static Optional<String> check(Path part, String etag, long expected) throws IOException {
        long size = Files.size(part);
        if (expected >= 0 && size != expected) {
            return Optional.of("expected " + expected + " bytes, got " + size);
        }
        return BlobDigest.mismatch(part, etag).map(actual -> "expected "
                + BlobDigest.kindOf(etag).map(k -> k.label).orElse("hash") + " " + etag + ", got " + actual);
    }

    /** Downloads until the partial file is whole, resuming after each interruption. */
    private void transfer(Path part, String label, FileMetadata meta, long expected) throws IOException {
        for (int attempt = 1;; attempt++) {
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (expected >= 0 && have > expected) {
                Files.delete(part);
                have = 0;
            }
            if (expected >= 0 && have == expected && expected > 0) {
                return;
            }
            try {
                attempt(part, label, meta, expected, have);
                return;
            } catch (IOException e) {
                if (diskFull(e)) {
                    throw e;
                }
                long now = Files.exists(part) ? Files.size(part) : 0;
                if (attempt >= settings.maxAttempts()) {
                    throw new HubException("Download of " + label + " failed after " + attempt + " attempts ("
                            + HubClient.describe(e) + "); " + mb(now) + " are kept in " + part
                            + " and the next start resumes from there", e);
                }
                LOG.warnf("Download of %s interrupted at %s of %s (%s); resuming with a Range request (attempt %d"
                        + " of %d)", label, mb(now), expected >= 0 ? mb(expected) : "?", HubClient.describe(e),
                        attempt + 1, settings.maxAttempts());
                pause(attempt + 1);
            }
        }
    }

    private void attempt(Path part, String label, FileMetadata meta, long expected, long have) throws IOException {
        if (expected >= 0) {
            requireSpace(part, expected - have, label);
        }
        HttpResponse<InputStream> response = client.download(meta, have, label);
        try (InputStream body = response.body()) {
            long offset = startOffset(response, part, label, have);
            if (offset == 0) {
                if (expected < 0 || expected >= 1 << 20) {
                    LOG.infof("Downloading %s (%s) from %s", label, expected >= 0 ? mb(expected) : "size unknown",
                            response.uri().getHost());
                }
            } else {
                LOG.infof("Resuming %s at %s of %s", label, mb(offset), expected >= 0 ? mb(expected) : "?");
            }
            DownloadProgress progress = new DownloadProgress(label, expected, offset, settings.progressInterval(),
                    nanoClock, line -> {
                        LOG.info(line);
                        status.accept(line);
                    });
            status.accept("Downloading " + label);
            long written = offset;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    offset == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND);
                    StallGuard guard = StallGuard.watch(body, settings.readTimeout())) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = readQuietlyWhenCut(body, buffer, guard)) >= 0) {
                    guard.touch();
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    written += n;
                    progress.update(written);
                }
                // The blob is renamed into place next: its bytes must be on disk before its name is.
                out.force(false);
                if (guard.tripped()) {
                    long millis = settings.readTimeout().toMillis();
                    throw new IOException("no data for " + (millis >= 1000 ? millis / 1000 + " s" : millis + " ms")
                            + " (reranker.hub.read-timeout)");
                }
            }
            if (expected >= 0 && written < expected) {
                throw new IOException("the connection closed after " + written + " of " + expected + " bytes");
            }
            LOG.info(progress.summary());
        }
    }

    /** A read cut by the stall guard may end in an IOException or in end-of-stream; both mean "resume". */
    private static int readQuietlyWhenCut(InputStream body, byte[] buffer, StallGuard guard) throws IOException {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            if (guard.tripped()) {
                return -1;
            }
            throw e;
        }
    }

    /** Where the body starts: at {@code have} for a 206 that says so, else at 0 (and the partial file is dropped). */
    private static long startOffset(HttpResponse<InputStream> response, Path part, String label, long have)
            throws IOException {
        int status = response.statusCode();
        if (status == 416) {
            Files.deleteIfExists(part);
            throw new IOException("the server cannot resume at byte " + have + " (HTTP 416); starting over");
        }
        if (have == 0) {
            return 0;
        }
        if (status == 200) {
            LOG.infof("The server ignored the Range request for %s; downloading it from the start", label);
            return 0;
        }
        long start = response.headers().firstValue("Content-Range").map(Downloader::rangeStart).orElse(-1L);
        if (start != have) {
            Files.deleteIfExists(part);
            throw new IOException("the server answered a resume at byte " + have + " with Content-Range "
                    + response.headers().firstValue("Content-Range").orElse("(none)") + "; starting over");
        }
        return have;
    }

    private static long rangeStart(String contentRange) {
        // "bytes 1000-1999/2000"
        try {
            String range = contentRange.strip().substring("bytes ".length());
            return Long.parseLong(range.substring(0, range.indexOf('-')));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void requireSpace(Path part, long needed, String label) throws IOException {
        long usable = freeSpace.in(part.getParent());
        if (usable < needed) {
            throw new HubException("Not enough disk space for " + label + ": it needs " + mb(needed) + " more and "
                    + part.getParent() + " has " + mb(usable) + " free; free space or point reranker.cache-dir"
                    + " (HF_HUB_CACHE) at a larger volume");
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private void underLock(HubCache cache, String etag, String label, IoAction action) throws IOException {
        Path lockFile = cache.lock(etag);
        Files.createDirectories(lockFile.getParent());
        ReentrantLock local = LOCKS_IN_THIS_PROCESS.computeIfAbsent(lockFile.toAbsolutePath(),
                p -> new ReentrantLock());
        if (!local.tryLock()) {
            waiting(label, cache);
            local.lock();
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                waiting(label, cache);
                lock = channel.lock();
            }
            try {
                action.run();
            } finally {
                lock.release();
            }
        } finally {
            local.unlock();
        }
    }

    private void waiting(String label, HubCache cache) {
        String line = "Another download of " + label + " into " + cache.root() + " is running; waiting for it";
        LOG.info(line);
        status.accept(line);
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(settings.backoff(attempt).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException("Interrupted while waiting to resume a download", e);
        }
    }

    private static boolean diskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }

    private static HubException cacheFailure(HubCache cache, String label, IOException e) {
        if (diskFull(e)) {
            return new HubException("The disk holding " + cache.root() + " is full while writing " + label
                    + "; free space or point reranker.cache-dir (HF_HUB_CACHE) at a larger volume. The partial"
                    + " download is kept and the next start resumes it", e);
        }
        return new HubException("Cannot write " + label + " into the cache " + cache.root() + ": "
                + HubClient.describe(e) + " (reranker.cache-dir / HF_HUB_CACHE must be a writable directory)", e);
    }

    /** A size for people: KB below one megabyte, else MB. */
    static String mb(long bytes) {
        return bytes < MB ? String.format(Locale.ROOT, "%.1f KB", bytes / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", bytes / MB);
    }
}
