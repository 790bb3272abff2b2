package dev.reranker.model.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DownloadProgressTest {

    static final long MB = 1024 * 1024;
    static final long SECOND = 1_000_000_000L;

    @Test
    void reportsPercentSizeRateAndEtaOncePerInterval() {
        AtomicLong clock = new AtomicLong(0);
        List<String> lines = new ArrayList<>();
        DownloadProgress progress = new DownloadProgress("BAAI/bge-reranker-v2-m3 model.onnx.data", 2270 * MB, 0,
                Duration.ofSeconds(5), clock::get, lines::add);

        clock.set(4 * SECOND);
        progress.update(180 * MB);
        assertEquals(List.of(), lines, "nothing before the interval has passed");

        clock.set(5 * SECOND);
        progress.update(225 * MB);
        clock.set(6 * SECOND);
        progress.update(270 * MB);

        assertEquals(List.of("Downloading BAAI/bge-reranker-v2-m3 model.onnx.data: 9.9% (225.0 of 2270.0 MB)"
                + " at 45.0 MB/s, ETA 45 s"), lines);
        clock.set(10 * SECOND);
        progress.update(450 * MB);
        assertEquals("Downloading BAAI/bge-reranker-v2-m3 model.onnx.data: 19.8% (450.0 of 2270.0 MB)"
                + " at 45.0 MB/s, ETA 40 s", lines.get(1));
    }

    @Test
    void aResumedDownloadCountsOnlyTheNewBytesForTheRate() {
        AtomicLong clock = new AtomicLong(0);
        List<String> lines = new ArrayList<>();
        DownloadProgress progress = new DownloadProgress("m model.onnx_data", 1000 * MB, 400 * MB,
                Duration.ofSeconds(1), clock::get, lines::add);
        clock.set(10 * SECOND);
        progress.update(500 * MB);

        assertEquals(List.of("Downloading m model.onnx_data: 50.0% (500.0 of 1000.0 MB) at 10.0 MB/s, ETA 50 s"),
                lines);
        assertEquals("Downloaded m model.onnx_data: 500.0 MB in 10.0 s (10.0 MB/s), resumed after 400.0 MB",
                progress.summary());
    }

    @Test
    void unknownSizesAndSlowLinksStillReadWell() {
        AtomicLong clock = new AtomicLong(0);
        List<String> lines = new ArrayList<>();
        DownloadProgress progress = new DownloadProgress("m f", -1, 0, Duration.ofSeconds(1), clock::get, lines::add);
        clock.set(2 * SECOND);
        progress.update(MB);

        assertEquals(List.of("Downloading m f: 1.0 MB at 512 KB/s"), lines);
        assertEquals("1 h 02 min", DownloadProgress.eta(3720));
        assertEquals("2 min 05 s", DownloadProgress.eta(125));
    }
}
