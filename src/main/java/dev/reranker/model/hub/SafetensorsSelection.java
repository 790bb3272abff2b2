package dev.reranker.model.hub;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.reranker.model.safetensors.SafetensorsCheckpoint;

/**
 * The files of a repository served from its safetensors weights: config.json (it names the architecture),
 * tokenizer.json, the small tokenizer configs where present, and the weights: model.safetensors, or
 * model.safetensors.index.json whose shards are read from it once it is on disk. Nothing else (pytorch_model.bin,
 * ONNX variants, sentencepiece models) is fetched.
 *
 * @param weights model.safetensors or model.safetensors.index.json
 * @param supportFiles config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json where present
 */
record SafetensorsSelection(String weights, List<String> supportFiles) {

    private static final List<String> OPTIONAL = List.of("tokenizer_config.json", "special_tokens_map.json");

    boolean sharded() {
        return weights.equals(SafetensorsCheckpoint.INDEX);
    }

    /** The selection, or empty when the repository holds no safetensors weights at its root. */
    static Optional<SafetensorsSelection> of(Collection<String> available) {
        String weights = available.contains(SafetensorsCheckpoint.INDEX) ? SafetensorsCheckpoint.INDEX
                : available.contains(SafetensorsCheckpoint.SINGLE) ? SafetensorsCheckpoint.SINGLE : null;
        if (weights == null) {
            return Optional.empty();
        }
        List<String> support = new ArrayList<>(List.of("config.json", "tokenizer.json"));
        OPTIONAL.stream().filter(available::contains).forEach(support::add);
        return Optional.of(new SafetensorsSelection(weights, List.copyOf(support)));
    }

    /** What {@code available} lacks of the required files, described for a message; empty when nothing. */
    Optional<String> missing(Collection<String> available) {
        List<String> missing = new ArrayList<>();
        for (String required : List.of("config.json", "tokenizer.json")) {
            if (!available.contains(required)) {
                missing.add(required);
            }
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", missing));
    }
}
