package dev.reranker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The cases of src/test/resources/reference.json: token ids from the Hugging Face tokenizers library (Python) and
 * logits from ONNX Runtime (Python) running each model on one pair at a time, without padding (see
 * src/test/resources/models/README.md).
 */
public final class Reference {

    /** Where each model of the reference lives in this repository. */
    public static Path modelDir(String model) {
        return switch (model) {
            case "tiny-xlmr" -> Path.of("src/main/resources/demo-model");
            case "tiny-xlmr-external" -> Path.of("src/test/resources/models/tiny-xlmr-external");
            case "tiny-bert" -> Path.of("src/test/resources/models/tiny-bert");
            // save_pretrained checkpoints made by tools/oracle/make_fixtures.py, cases in safetensors/reference.json
            case "st-xlmr", "st-bert", "st-xlmr-sharded", "st-xlmr-bf16", "st-bert-f16" ->
                Path.of("src/test/resources/safetensors", model);
            default -> throw new IllegalArgumentException("model not in the repository: " + model);
        };
    }

    /**
     * One reference case: a query, its documents, and per document the expected encoding and scores.
     */
    @SuppressWarnings("ArrayRecordComponent") // reference values, read element by element
    public record Case(int number, String model, int maxLength, String truncation, String query, List<String> documents,
            List<int[]> inputIds, List<int[]> typeIds, double[] logits, double[] scores) {
    }

    private Reference() {
    }

    /** Cases computed for {@code model} (tiny-xlmr-external shares tiny-xlmr's weights and cases). */
    public static List<Case> cases(String model, int maxLength, String truncation) {
        String source = model.equals("tiny-xlmr-external") ? "tiny-xlmr" : model;
        return all().stream().filter(c -> c.model().equals(source) && c.maxLength() == maxLength
                && c.truncation().equals(truncation)).toList();
    }

    public static List<Case> all() {
        return all("reference.json");
    }

    /** The cases of a reference file on the test class path, e.g. safetensors/reference.json. */
    public static List<Case> all(String resource) {
        JsonNode root;
        try (InputStream in = Reference.class.getClassLoader().getResourceAsStream(resource)) {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Case> cases = new ArrayList<>();
        int number = 0;
        for (JsonNode c : root.get("cases")) {
            List<String> documents = new ArrayList<>();
            c.get("documents").forEach(d -> documents.add(d.asText()));
            cases.add(new Case(number++, c.get("model").asText(), c.get("max_length").asInt(),
                    c.get("truncation").asText(), c.get("query").asText(), documents, intRows(c.get("input_ids")),
                    c.get("token_type_ids").isNull() ? null : intRows(c.get("token_type_ids")),
                    doubles(c.get("logits")), doubles(c.get("scores"))));
        }
        return cases;
    }

    private static List<int[]> intRows(JsonNode rows) {
        List<int[]> out = new ArrayList<>();
        for (JsonNode row : rows) {
            int[] values = new int[row.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(i).asInt();
            }
            out.add(values);
        }
        return out;
    }

    private static double[] doubles(JsonNode values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).asDouble();
        }
        return out;
    }
}
