package dev.reranker.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The process's resident memory, as the kernel counts it (what a container's memory limit sees). */
final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Pattern NOT_A_DIGIT = Pattern.compile("\\D");

    private ProcessMemory() {
    }

    /** Resident set size in bytes, or -1 where /proc is not available. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:    123456 kB"
                    return Long.parseLong(NOT_A_DIGIT.matcher(line).replaceAll("")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static String mb(long bytes) {
        return bytes < 0 ? "?" : (bytes / (1024 * 1024)) + " MB";
    }
}
