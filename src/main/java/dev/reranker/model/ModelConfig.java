package dev.reranker.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the service needs from {@code config.json}: the family, how many positions the model can
 * embed and its padding id. Every field is optional: a model without config.json still serves.
 *
 * @param modelType e.g. xlm-roberta, bert
 * @param maxPositionEmbeddings the raw value from config.json
 * @param padTokenId the id padding positions must carry (position ids of RoBERTa models depend on it)
 */
public record ModelConfig(Optional<String> modelType, OptionalInt maxPositionEmbeddings, OptionalInt padTokenId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model's JSON file (config.json and its kin) as an object, or a ModelLoadException naming the file. */
    public static JsonNode jsonObject(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new ModelLoadException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException(file + " is not a JSON object");
        }
        return root;
    }

    public static ModelConfig none() {
        return new ModelConfig(Optional.empty(), OptionalInt.empty(), OptionalInt.empty());
    }

    public static ModelConfig read(Path file) {
        JsonNode root = jsonObject(file);
        return new ModelConfig(text(root, "model_type"), integer(root, "max_position_embeddings"),
                integer(root, "pad_token_id"));
    }

    /**
     * The longest input the model's position embeddings allow. RoBERTa-family models start
     * positions after the padding id, so 514 embeddings hold 512 tokens (8194 hold 8192).
     */
    public OptionalInt maxInputLength() {
        if (maxPositionEmbeddings.isEmpty()) {
            return OptionalInt.empty();
        }
        int positions = maxPositionEmbeddings.getAsInt();
        boolean roberta = modelType.map(t -> t.contains("roberta") || t.equals("camembert")).orElse(false);
        return OptionalInt.of(roberta ? positions - padTokenId.orElse(1) - 1 : positions);
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }

    private static OptionalInt integer(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node != null && node.canConvertToInt() ? OptionalInt.of(node.asInt()) : OptionalInt.empty();
    }
}
