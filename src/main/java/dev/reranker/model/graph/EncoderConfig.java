package dev.reranker.model.graph;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

import dev.reranker.model.ModelConfig;
import dev.reranker.model.ModelLoadException;

/**
 * Everything the forward pass depends on, from {@code config.json}. Fields {@code save_pretrained} always writes
 * are required; the rest default as transformers' config classes do.
 */
record EncoderConfig(Architecture architecture, int hiddenSize, int layers, int heads, int intermediateSize,
        String hiddenAct, double layerNormEps, int maxPositions, int padTokenId, int typeVocabSize, int vocabSize,
        int numLabels) {

    /** The architectures a graph can be built for, by the name transformers writes into config.json. */
    enum Architecture {
        /** bge-reranker-v2-m3, bge-reranker-base/large; RoBERTa embeddings (positions after the padding id). */
        XLM_ROBERTA("XLMRobertaForSequenceClassification", "roberta.", 1),
        /** cross-encoder/ms-marco-MiniLM-*; positions from 0, token types, a pooler before the classifier. */
        BERT("BertForSequenceClassification", "bert.", 0);

        final String className;
        final String prefix;
        final int defaultPad;

        Architecture(String className, String prefix, int defaultPad) {
            this.className = className;
            this.prefix = prefix;
            this.defaultPad = defaultPad;
        }

        static String supported() {
            return Arrays.stream(values()).map(a -> a.className).collect(Collectors.joining(", "));
        }
    }

    int headSize() {
        return hiddenSize / heads;
    }

    static EncoderConfig read(Path file) {
        JsonNode root = ModelConfig.jsonObject(file);
        JsonNode names = root.get("architectures");
        String name = names != null && names.isArray() && names.size() == 1 ? names.get(0).asText() : null;
        Architecture architecture = Arrays.stream(Architecture.values()).filter(a -> a.className.equals(name))
                .findFirst().orElseThrow(() -> new ModelLoadException(file + ": architecture "
                        + (names == null ? "(none: no \"architectures\" field)" : names.toString())
                        + " is not supported; supported: " + Architecture.supported()));
        String positions = text(root, "position_embedding_type", "absolute");
        if (!positions.equals("absolute")) {
            throw new ModelLoadException(file + ": position_embedding_type " + positions
                    + " is not supported; supported: absolute");
        }
        int hidden = required(file, root, "hidden_size");
        int heads = required(file, root, "num_attention_heads");
        if (heads <= 0 || hidden % heads != 0) {
            throw new ModelLoadException(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads "
                    + heads);
        }
        String act = text(root, "hidden_act", "gelu");
        if (!Activation.supported(act)) {
            throw new ModelLoadException(file + ": hidden_act " + act + " is not supported; supported: "
                    + Activation.NAMES);
        }
        JsonNode labels = root.get("id2label");
        int numLabels = root.has("num_labels") ? root.get("num_labels").asInt()
                : labels != null && labels.isObject() ? labels.size() : 2;
        return new EncoderConfig(architecture, hidden, required(file, root, "num_hidden_layers"), heads,
                required(file, root, "intermediate_size"), act,
                root.has("layer_norm_eps") ? root.get("layer_norm_eps").asDouble() : 1e-12,
                required(file, root, "max_position_embeddings"),
                root.hasNonNull("pad_token_id") ? root.get("pad_token_id").asInt() : architecture.defaultPad,
                root.has("type_vocab_size") ? root.get("type_vocab_size").asInt() : 2,
                required(file, root, "vocab_size"), numLabels);
    }

    private static int required(Path file, JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.canConvertToInt() || node.asInt() <= 0) {
            throw new ModelLoadException(file + " has no valid " + field + " (found " + node + ")");
        }
        return node.asInt();
    }

    private static String text(JsonNode root, String field, String fallback) {
        JsonNode node = root.get(field);
        return node != null && node.isTextual() ? node.asText() : fallback;
    }

    /** hidden_act values and the ONNX Runtime operators that compute them exactly. */
    static final class Activation {
        static final String NAMES = "gelu (exact, erf), relu, gelu_new / gelu_pytorch_tanh / gelu_fast (tanh)";

        private Activation() {
        }

        static boolean supported(String act) {
            return switch (act) {
                case "gelu", "relu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> true;
                default -> false;
            };
        }
    }
}
