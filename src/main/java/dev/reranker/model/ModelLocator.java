package dev.reranker.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * Finds the files of a model in a Hugging Face style directory, or unpacks the embedded demo model.
 */
public final class ModelLocator {

    /** Classpath folder of the embedded demo model (a copy of shared/models/tiny-xlmr). */
    public static final String DEMO_RESOURCE = "demo-model/";
    public static final String DEMO_NAME = "tiny-xlmr-demo";
    private static final List<String> DEMO_FILES = List.of("model.onnx", "tokenizer.json", "config.json");
    private static final List<String> DEFAULT_ONNX = List.of("model.onnx", "onnx/model.onnx");

    private ModelLocator() {
    }

    /**
     * Resolves a local model directory.
     *
     * @param directory the directory in Hugging Face layout
     * @param onnxFile a file inside it that overrides the default search, e.g. onnx/model_fp16.onnx
     * @param name the name to report; default: the directory's name
     */
    public static ModelFiles local(Path directory, Optional<String> onnxFile, Optional<String> name) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Model directory " + dir + " does not exist or is not a directory"
                    + " (reranker.model.path / RERANKER_MODEL_PATH)");
        }
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelLoadException("Model directory " + dir + " has no tokenizer.json; export the model"
                    + " with its fast tokenizer (optimum-cli export onnx writes it)");
        }
        Path onnx = onnxFile.map(f -> requireFile(dir, f)).orElseGet(() -> findDefaultOnnx(dir));
        Path config = dir.resolve("config.json");
        String reported = name.orElse(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
        return new ModelFiles(reported, dir.toString(), onnx, tokenizer,
                Files.isRegularFile(config) ? Optional.of(config) : Optional.empty(), false);
    }

    /**
     * Copies the embedded demo model into {@code target} (a fresh temporary directory) and resolves it.
     * ONNX Runtime and the tokenizer read files; the copy is 3 MB and takes milliseconds.
     */
    public static ModelFiles demo(Path target) {
        try {
            Files.createDirectories(target);
            for (String file : DEMO_FILES) {
                try (InputStream in = ModelLocator.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE + file)) {
                    if (in == null) {
                        throw new ModelLoadException("The embedded demo model is missing " + DEMO_RESOURCE + file
                                + " from the application's classpath");
                    }
                    Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("Cannot unpack the embedded demo model into " + target + ": " + e, e);
        }
        ModelFiles files = local(target, Optional.empty(), Optional.of(DEMO_NAME));
        return new ModelFiles(files.name(), "embedded demo model (classpath:" + DEMO_RESOURCE + ")",
                files.onnxFile(), files.tokenizer(), files.config(), true);
    }

    private static Path requireFile(Path dir, String relative) {
        Path file = dir.resolve(relative).normalize();
        if (!file.startsWith(dir)) {
            throw new ModelLoadException("reranker.model.file " + relative + " points outside " + dir);
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("ONNX file " + file + " (reranker.model.file) does not exist");
        }
        return file;
    }

    private static Path findDefaultOnnx(Path dir) {
        for (String candidate : DEFAULT_ONNX) {
            Path file = dir.resolve(candidate);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new ModelLoadException("Model directory " + dir + " has neither model.onnx nor onnx/model.onnx;"
                + " name the file with reranker.model.file, or export one with"
                + " optimum-cli export onnx --model <id> --task text-classification <dir>");
    }
}
