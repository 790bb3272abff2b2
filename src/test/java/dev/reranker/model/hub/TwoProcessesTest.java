package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.reranker.model.ModelFiles;
import dev.reranker.support.FakeHub;

/**
 * Two processes starting on one cache, as two replicas sharing a volume would: the first holds the blob's file lock
 * while its download is held by the fake Hub, the second waits on that lock and then takes the finished blob instead
 * of downloading it again.
 */
class TwoProcessesTest {

    static final String REPO = "test-org/tiny-xlmr-external";
    static final String DATA = "model.onnx_data";

    @TempDir
    Path cache;
    @TempDir
    Path logs;
    FakeHub hub;

    @BeforeEach
    void startHub() {
        hub = new FakeHub().repo(REPO, HubModelResolverTest.EXTERNAL);
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    @Test
    void theSecondProcessWaitsForTheFirstAndDownloadsNothingTwice() throws Exception {
        hub.gate(DATA);
        Path output = logs.resolve("child.log");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ResolveInAnotherProcess.class.getName(), hub.endpoint(),
                cache.toString(), REPO).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertTrue(hub.awaitGated(DATA, 60, TimeUnit.SECONDS), "the other process never started its download");

            CountDownLatch waiting = new CountDownLatch(1);
            HubSettings settings = new HubSettings(java.net.URI.create(hub.endpoint()), Optional.empty(), false,
                    cache, Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60), 3,
                    Duration.ofMillis(10), true);
            Future<ModelFiles> here = pool.submit(() -> new HubModelResolver(settings, line -> {
                if (line.startsWith("Another download of " + REPO + " " + DATA)) {
                    waiting.countDown();
                }
            }).resolve(new RepoRef(REPO, "main"), Optional.empty(), Optional.empty()));
            assertTrue(waiting.await(60, TimeUnit.SECONDS), "this process did not wait for the other one's lock");

            hub.release(DATA);
            assertTrue(child.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), Files.readString(output));
            ModelFiles files = here.get(60, TimeUnit.SECONDS);

            assertTrue(Files.readString(output).contains("RESOLVED " + files.onnxFile()), Files.readString(output));
            List<FakeHub.Request> downloads = hub.downloads(DATA);
            assertEquals(1, downloads.size(), downloads::toString);
            HubModelResolverTest.assertFileIs(files.onnxFile().resolveSibling(DATA), hub.bytes(REPO, DATA));
        } finally {
            child.destroyForcibly();
            pool.shutdownNow();
        }
    }
}
