package dev.reranker.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

import dev.reranker.config.ModelFormat;
import dev.reranker.model.graph.PreparedGraph;
import dev.reranker.model.graph.SafetensorsGraph;

/**
 * Finds the files of a model in a Hugging Face style directory, or unpacks the embedded demo model.
 */
public final class ModelLocator {

    /** Classpath folder of the embedded demo model, tiny-xlmr (src/test/resources/models/README.md). */
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
        Path tokenizer = requireTokenizer(dir);
        Path onnx = onnxFile.map(f -> requireFile(dir, f)).orElseGet(() -> findDefaultOnnx(dir));
        Path config = dir.resolve("config.json");
        String reported = name.orElse(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
        return new ModelFiles(reported, dir.toString(), onnx, tokenizer,
                Files.isRegularFile(config) ? Optional.of(config) : Optional.empty(), false);
    }

    /**
     * As {@link #local(Path, Optional, Optional)}, serving the directory's safetensors weights through a graph built
     * from them when {@code format} is safetensors, or auto and the directory has no ONNX graph (a
     * {@code save_pretrained} directory). The graph is cached beside the weights, else under {@code graphCacheDir}.
     */
    public static ModelFiles local(Path directory, Optional<String> onnxFile, Optional<String> name,
            ModelFormat format, Path graphCacheDir) {
        Path dir = directory.toAbsolutePath().normalize();
        if (!servesSafetensors(dir, onnxFile, format)) {
            return local(dir, onnxFile, name);
        }
        Path tokenizer = requireTokenizer(dir);
        if (!SafetensorsGraph.present(dir)) {
            throw new ModelLoadException("Model directory " + dir + " has neither model.safetensors nor"
                    + " model.safetensors.index.json (reranker.model.format=safetensors)");
        }
        PreparedGraph graph = SafetensorsGraph.prepare(dir, "reranker-graph",
                SafetensorsGraph.fallbackDir(graphCacheDir, dir));
        String reported = name.orElse(dir.getFileName() == null ? dir.toString() : dir.getFileName().toString());
        return new ModelFiles(reported, dir.toString(), graph.graph(), tokenizer,
                Optional.of(dir.resolve("config.json")), false);
    }

    private static boolean servesSafetensors(Path dir, Optional<String> onnxFile, ModelFormat format) {
        return switch (format) {
            case ONNX -> false;
            case SAFETENSORS -> {
                if (onnxFile.isPresent()) {
                    throw new ModelLoadException("reranker.model.file names an ONNX file (" + onnxFile.get()
                            + ") but reranker.model.format is safetensors; unset one of them");
                }
                yield true;
            }
            case AUTO -> onnxFile.isEmpty() && DEFAULT_ONNX.stream().noneMatch(f -> Files.isRegularFile(dir.resolve(f)))
                    && SafetensorsGraph.present(dir);
        };
    }

    private static Path requireTokenizer(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelLoadException("Model directory " + dir + " does not exist or is not a directory"
                    + " (reranker.model.path / RERANKER_MODEL_PATH)");
        }
        Path tokenizer = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            throw new ModelLoadException("Model directory " + dir + " has no tokenizer.json; export the model"
                    + " with its fast tokenizer (optimum-cli export onnx writes it)");
        }
        return tokenizer;
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
        if (SafetensorsGraph.present(dir)) {
            throw new ModelLoadException("Model directory " + dir + " has no ONNX graph (model.onnx, onnx/model.onnx)"
                    + " but safetensors weights, and reranker.model.format is onnx: use auto or safetensors to serve"
                    + " them");
        }
        throw new ModelLoadException("Model directory " + dir + " has neither model.onnx nor onnx/model.onnx nor"
                + " model.safetensors; name the file with reranker.model.file, or export one with"
                + " optimum-cli export onnx --model <id> --task text-classification <dir>");
    }
}
