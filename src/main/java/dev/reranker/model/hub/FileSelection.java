package dev.reranker.model.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.reranker.config.Precision;
import dev.reranker.model.OnnxExports;

/**
 * Which files of a repository the service needs: one ONNX graph, tokenizer.json, and the small configs around them.
 * Everything else in a repository (PyTorch and safetensors weights, other ONNX variants, READMEs) is left on the
 * Hub: for bge-reranker-v2-m3 that is gigabytes. The ONNX file's external data is not chosen here but read from
 * the graph itself once it is on disk (see {@link OnnxExternalData}), because its name is whatever the exporter
 * wrote: model.onnx_data, model.onnx.data, or a UUID.
 *
 * @param onnx the ONNX graph
 * @param tokenizer tokenizer.json
 * @param supportFiles config.json, tokenizer_config.json, special_tokens_map.json where present
 */
record FileSelection(String onnx, String tokenizer, List<String> supportFiles) {

    private static final List<String> CONFIGS = List.of("config.json", "tokenizer_config.json",
            "special_tokens_map.json");

    /** Small files first: a snapshot that has its ONNX file and external data has everything. */
    public List<String> beforeOnnx() {
        List<String> files = new ArrayList<>(supportFiles);
        files.add(tokenizer);
        return files;
    }

    public Optional<String> config() {
        return supportFiles.stream().filter(f -> f.endsWith("config.json") && !f.endsWith("tokenizer_config.json"))
                .findFirst();
    }

    /**
     * Picks the files from what a repository (or a cached snapshot) holds.
     *
     * @param available repository paths with '/'
     * @param requested reranker.model.file, when set
     * @param repoId the repository, for the export command in messages
     * @param where names the repository (or snapshot) in messages
     */
    static FileSelection select(Collection<String> available, Optional<String> requested, String repoId,
            String where) {
        return select(available, requested, repoId, where, Precision.FP32);
    }

    /** As {@link #select(Collection, Optional, String, String)}; for int8 the default is a quantized export. */
    static FileSelection select(Collection<String> available, Optional<String> requested, String repoId,
            String where, Precision precision) {
        List<String> defaults = OnnxExports.of(precision);
        String onnx = requested.map(FileSelection::normalize)
                .map(file -> {
                    if (!available.contains(file)) {
                        throw new HubException(
                                where + " has no " + file + " (reranker.model.file / RERANKER_MODEL_FILE);"
                                        + onnxChoices(available, repoId));
                    }
                    return file;
                })
                .orElseGet(() -> defaults.stream().filter(available::contains).findFirst()
                        .orElseThrow(() -> new HubException(where + " has no "
                                + (precision == Precision.INT8 ? "quantized ONNX export for reranker.precision=int8"
                                        : "ONNX model")
                                + " (looked for " + String.join(", ", defaults) + ");"
                                + onnxChoices(available, repoId))));
        String dir = onnx.contains("/") ? onnx.substring(0, onnx.lastIndexOf('/') + 1) : "";
        // Exports keep the tokenizer at the root (optimum, onnx-community) or next to the graph.
        String tokenizer = firstPresent(available, "tokenizer.json", dir + "tokenizer.json")
                .orElseThrow(() -> new HubException(where + " has no tokenizer.json next to " + onnx
                        + " or at its root; the service needs the fast tokenizer file that optimum-cli export onnx"
                        + " writes"));
        String tokenizerDir = tokenizer.contains("/") ? dir : "";
        List<String> support = new ArrayList<>();
        for (String config : CONFIGS) {
            String base = config.equals("config.json") ? "" : tokenizerDir;
            firstPresent(available, base + config, dir + config).ifPresent(support::add);
        }
        return new FileSelection(onnx, tokenizer, List.copyOf(support));
    }

    static String normalize(String file) {
        String f = file.strip().replace('\\', '/');
        while (f.startsWith("./")) {
            f = f.substring(2);
        }
        if (f.startsWith("/") || f.contains("../") || f.isEmpty()) {
            throw new HubException("reranker.model.file '" + file + "' must be a path inside the repository,"
                    + " e.g. onnx/model_fp16.onnx");
        }
        return f;
    }

    private static Optional<String> firstPresent(Collection<String> available, String... candidates) {
        for (String candidate : candidates) {
            if (available.contains(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static String onnxChoices(Collection<String> available, String repoId) {
        List<String> onnx = available.stream().filter(f -> f.endsWith(".onnx")).sorted().toList();
        if (!onnx.isEmpty()) {
            return " it has " + onnx.stream().collect(Collectors.joining(", "))
                    + ": choose one with reranker.model.file (RERANKER_MODEL_FILE)";
        }
        return " it holds no .onnx file at all. Export one with `optimum-cli export onnx --model " + repoId
                + " --task text-classification <dir>` and serve <dir> with RERANKER_MODEL_PATH, or pick a repository"
                + " that has an ONNX export of it";
    }
}
