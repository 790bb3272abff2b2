package dev.reranker.model.hub;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns bytes written into a log line every few seconds (percent, MB, MB/s, ETA), so a 2.3 GB download reads as
 * progress and not as a hang. The clock is injected so the lines can be tested.
 */
final class DownloadProgress {

    private static final double MB = 1024.0 * 1024.0;

    private final String label;
    private final long total;
    private final long resumedFrom;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Consumer<String> sink;
    private final long startNanos;
    private long lastReportNanos;
    private long done;

    /**
     * @param label what is downloaded, e.g. "BAAI/bge-reranker-v2-m3 model.onnx.data"
     * @param total file size in bytes, or -1 when unknown
     * @param resumedFrom bytes already on disk from an earlier attempt
     * @param interval time between two lines
     * @param nanoClock System::nanoTime outside tests
     * @param sink receives each line
     */
    DownloadProgress(String label, long total, long resumedFrom, Duration interval, LongSupplier nanoClock,
            Consumer<String> sink) {
        this.label = label;
        this.total = total;
        this.resumedFrom = resumedFrom;
        this.intervalNanos = Math.max(1, interval.toNanos());
        this.nanoClock = nanoClock;
        this.sink = sink;
        this.startNanos = nanoClock.getAsLong();
        this.lastReportNanos = startNanos;
        this.done = resumedFrom;
    }

    /** Records that the file now holds {@code bytes} bytes; reports when the interval has passed. */
    void update(long bytes) {
        done = bytes;
        long now = nanoClock.getAsLong();
        if (now - lastReportNanos >= intervalNanos) {
            lastReportNanos = now;
            sink.accept(line(now));
        }
    }

    /** The line for the current state, e.g. "… 37.4% (850.0 of 2270.0 MB) at 45.2 MB/s, ETA 31 s". */
    String line(long now) {
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - resumedFrom) / MB / seconds : 0;
        StringBuilder line = new StringBuilder("Downloading ").append(label).append(": ");
        if (total > 0) {
            line.append(String.format(Locale.ROOT, "%.1f%% (%.1f of %.1f MB)", 100.0 * done / total, done / MB,
                    total / MB));
        } else {
            line.append(String.format(Locale.ROOT, "%.1f MB", done / MB));
        }
        line.append(" at ").append(rate(rate));
        if (total > 0 && rate > 0) {
            line.append(", ETA ").append(eta((total - done) / MB / rate));
        }
        return line.toString();
    }

    /** The closing line: size, time and average rate of this attempt. */
    String summary() {
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        double mb = (done - resumedFrom) / MB;
        return String.format(Locale.ROOT, "Downloaded %s: %s in %.1f s (%s)%s", label, Downloader.mb(done),
                seconds, rate(seconds > 0 ? mb / seconds : 0),
                resumedFrom > 0 ? ", resumed after " + Downloader.mb(resumedFrom) : "");
    }

    /** MB/s, or KB/s below one megabyte a second so a slow link does not read "0.0 MB/s". */
    static String rate(double mbPerSecond) {
        return mbPerSecond >= 1 ? String.format(Locale.ROOT, "%.1f MB/s", mbPerSecond)
                : String.format(Locale.ROOT, "%.0f KB/s", mbPerSecond * 1024);
    }

    static String eta(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
