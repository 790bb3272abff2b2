package dev.reranker.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The extracted copy of ONNX Runtime's libraries that later starts reuse instead of extracting again. */
class OnnxRuntimeNativesTest {

    @Test
    void extractsOnceAndReusesTheCopy(@TempDir Path cache) throws IOException {
        Path dir = OnnxRuntimeNatives.extract(cache).orElseThrow();
        assertTrue(dir.getFileName().toString().startsWith("onnxruntime-" + OnnxRuntimeNatives.platform() + "-"),
                dir.toString());
        Path main = dir.resolve(System.mapLibraryName("onnxruntime"));
        Path jni = dir.resolve(System.mapLibraryName("onnxruntime4j_jni"));
        assertTrue(Files.size(main) > 1_000_000, "libonnxruntime is there whole");
        assertTrue(Files.isRegularFile(jni));
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> partial = files.filter(f -> f.toString().endsWith(".part")).toList();
            assertTrue(partial.isEmpty(), "no partial files left: " + partial);
        }

        FileTime written = Files.getLastModifiedTime(main);
        Files.setLastModifiedTime(main, FileTime.fromMillis(written.toMillis() - 60_000));
        FileTime marked = Files.getLastModifiedTime(main);
        assertEquals(dir, OnnxRuntimeNatives.extract(cache).orElseThrow());
        assertEquals(marked, Files.getLastModifiedTime(main), "a complete copy is not written again");
    }

    @Test
    void aTruncatedCopyIsReplaced(@TempDir Path cache) throws IOException {
        Path dir = OnnxRuntimeNatives.extract(cache).orElseThrow();
        Path main = dir.resolve(System.mapLibraryName("onnxruntime"));
        long size = Files.size(main);
        Files.write(main, new byte[10]);
        OnnxRuntimeNatives.extract(cache);
        assertEquals(size, Files.size(main));
    }
}
