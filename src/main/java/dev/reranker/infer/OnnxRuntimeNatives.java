package dev.reranker.infer;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import ai.onnxruntime.OrtEnvironment;

/**
 * ONNX Runtime's native libraries, extracted once instead of at every start.
 *
 * <p>
 * Left alone, ONNX Runtime copies its 28 MB {@code libonnxruntime.so} out of the jar into a fresh temporary
 * directory at every start (about 160 ms here) unless the system property {@code onnxruntime.native.path} names a
 * directory holding the extracted libraries. {@link #useCache(Path)} makes such a directory once, named after the
 * CRC of the library in the jar (so another ONNX Runtime version or the GPU build gets its own), and sets the
 * property; a container image does the same at build time and sets the property itself.
 */
public final class OnnxRuntimeNatives {

    /** ONNX Runtime's own property: a directory with libonnxruntime and libonnxruntime4j_jni (and providers). */
    public static final String PATH_PROPERTY = "onnxruntime.native.path";
    private static final String MAIN_LIBRARY = System.mapLibraryName("onnxruntime");

    private OnnxRuntimeNatives() {
    }

    /**
     * Points ONNX Runtime at an extracted copy of its libraries under {@code cacheRoot}, extracting them there
     * first when needed. Does nothing when {@code onnxruntime.native.path} is already set; when the jar's
     * libraries cannot be found or the directory cannot be written, ONNX Runtime extracts them as usual.
     *
     * @return the directory now in use, if any
     */
    public static Optional<Path> useCache(Path cacheRoot) {
        String configured = System.getProperty(PATH_PROPERTY);
        if (configured != null) {
            return Optional.of(Path.of(configured));
        }
        try {
            Optional<Path> dir = extract(cacheRoot);
            dir.ifPresent(d -> System.setProperty(PATH_PROPERTY, d.toString()));
            return dir;
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // read-only or full: ONNX Runtime's own extraction to java.io.tmpdir still works
        }
    }

    /** Loads the native libraries now (what the first session would otherwise do), without creating anything. */
    public static void load() {
        OrtEnvironment.getAvailableProviders();
    }

    /**
     * Extracts every file of ONNX Runtime's native folder for this platform into
     * {@code cacheRoot/onnxruntime-<platform>-<crc>/}, unless a complete copy is there already.
     */
    static Optional<Path> extract(Path cacheRoot) throws IOException {
        String folder = "ai/onnxruntime/native/" + platform() + "/";
        URL main = OnnxRuntimeNatives.class.getClassLoader().getResource(folder + MAIN_LIBRARY);
        if (main == null) {
            return Optional.empty();
        }
        URLConnection connection = main.openConnection();
        if (!(connection instanceof JarURLConnection jar)) {
            return Optional.empty();
        }
        connection.setUseCaches(false);
        Path jarPath;
        try {
            jarPath = Path.of(jar.getJarFileURL().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        try (JarFile file = new JarFile(jarPath.toFile())) {
            JarEntry mainEntry = file.getJarEntry(folder + MAIN_LIBRARY);
            Path target = cacheRoot.resolve("onnxruntime-" + platform() + "-" + Long.toHexString(mainEntry.getCrc()));
            List<JarEntry> entries = new ArrayList<>();
            for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements();) {
                JarEntry entry = e.nextElement();
                String name = entry.getName();
                if (name.startsWith(folder) && !entry.isDirectory() && name.indexOf('/', folder.length()) < 0) {
                    entries.add(entry);
                }
            }
            if (complete(target, entries, folder)) {
                return Optional.of(target);
            }
            Files.createDirectories(target);
            for (JarEntry entry : entries) {
                Path out = target.resolve(entry.getName().substring(folder.length()));
                // Written beside and renamed: a second process starting at the same moment sees a whole file or none.
                Path partial = Files.createTempFile(target, out.getFileName().toString(), ".part");
                try (InputStream in = file.getInputStream(entry)) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            return Optional.of(target);
        }
    }

    private static boolean complete(Path target, List<JarEntry> entries, String folder) throws IOException {
        for (JarEntry entry : entries) {
            Path out = target.resolve(entry.getName().substring(folder.length()));
            if (!Files.isRegularFile(out) || Files.size(out) != entry.getSize()) {
                return false;
            }
        }
        return !entries.isEmpty();
    }

    /** ONNX Runtime's name for this platform's native folder, e.g. linux-x64. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64" : arch;
        return o + "-" + a;
    }
}
