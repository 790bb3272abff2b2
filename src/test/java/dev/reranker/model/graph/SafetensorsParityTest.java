package dev.reranker.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.reranker.config.Device;
import dev.reranker.config.ModelFormat;
import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.infer.SessionFactory;
import dev.reranker.infer.SessionSettings;
import dev.reranker.model.ModelConfig;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLocator;
import dev.reranker.support.Reference;
import dev.reranker.tokenize.EncodedPair;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;

/**
 * Every pair of safetensors/reference.json (made by tools/oracle/make_fixtures.py with transformers) through the
 * graph the service builds from each save_pretrained checkpoint: XLM-R and BERT, one file, shards, BF16 and F16.
 * Each model directory is resolved as the service resolves reranker.model.path (ModelLocator, format auto), its graph
 * opened by the session factory the service uses, its pairs made by the service's tokenizer; logits must be within
 * 1e-4 of transformers' fp32 eval-mode logits, with all of a case's documents in one padded batch and each alone,
 * and for longest_first within 1e-4 of sentence-transformers' CrossEncoder scores. No Quarkus: a second or two.
 */
class SafetensorsParityTest {

    private static final double TOLERANCE = 1e-4;
    private static final String REFERENCE = "safetensors/reference.json";
    private static final List<String> MODELS = List.of("st-xlmr", "st-bert", "st-xlmr-sharded", "st-xlmr-bf16",
            "st-bert-f16");

    private record Served(OnnxScorer scorer, PairTokenizer tokenizer) {
    }

    @TempDir
    static Path work;
    private static final Map<String, Served> SERVED = new HashMap<>();
    private static final Map<Integer, double[]> CROSS_ENCODER = new HashMap<>();

    @BeforeAll
    static void serveEveryModel() throws IOException {
        for (String model : MODELS) {
            Path dir = copy(Reference.modelDir(model), work.resolve(model));
            ModelFiles files = ModelLocator.local(dir, Optional.empty(), Optional.empty(), ModelFormat.AUTO,
                    work.resolve("graph-cache"));
            assertTrue(files.onnxFile().getFileName().toString().startsWith("reranker-graph"), files.onnxFile()
                    .toString());
            int pad = ModelConfig.read(files.config().orElseThrow()).padTokenId().orElseThrow();
            SERVED.put(model, new Served(SessionFactory.open(files.onnxFile(), settings(), pad),
                    PairTokenizer.load(files.tokenizer())));
        }
        try (InputStream in = SafetensorsParityTest.class.getClassLoader().getResourceAsStream(REFERENCE)) {
            JsonNode cases = new ObjectMapper().readTree(in).get("cases");
            for (int i = 0; i < cases.size(); i++) {
                JsonNode scores = cases.get(i).get("cross_encoder_scores");
                if (scores != null) {
                    double[] values = new double[scores.size()];
                    for (int d = 0; d < values.length; d++) {
                        values[d] = scores.get(d).asDouble();
                    }
                    CROSS_ENCODER.put(i, values);
                }
            }
        }
    }

    @AfterAll
    static void close() {
        SERVED.values().forEach(s -> {
            s.scorer().close();
            s.tokenizer().close();
        });
    }

    static SessionSettings settings() {
        return new SessionSettings(Device.CPU, 1, true, false, 0, OptionalLong.empty(), "kSameAsRequested",
                "HEURISTIC", true, false);
    }

    static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    static Stream<Arguments> cases() {
        List<Reference.Case> all = Reference.all(REFERENCE);
        assertEquals(MODELS, all.stream().map(Reference.Case::model).distinct().toList());
        return all.stream().map(c -> Arguments.of(c.model(), c.maxLength(), c.truncation(), c.number(), c));
    }

    @ParameterizedTest(name = "{0} max-length {1} {2}, case {3}")
    @MethodSource("cases")
    void logitsMatchTransformers(String model, int maxLength, String truncation, int number, Reference.Case c) {
        Served served = SERVED.get(model);
        PairLimits limits = new PairLimits(maxLength, Truncation.valueOf(truncation.toUpperCase()), true,
                TruncationSide.RIGHT, 0);
        EncodedText query = served.tokenizer().encodeQuery(c.query(), limits);
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (int d = 0; d < c.documents().size(); d++) {
            EncodedPair pair = served.tokenizer().pair(query, served.tokenizer().encodeDocument(c.documents().get(d),
                    limits), limits);
            assertArrayEquals(c.inputIds().get(d), pair.ids(), "input_ids of document " + d);
            ids.add(pair.ids());
            types.add(pair.typeIds());
        }
        float[] together = served.scorer().logits(ids, types);
        double[] crossEncoder = CROSS_ENCODER.get(number);
        assertEquals(truncation.equals("longest_first"), crossEncoder != null);
        for (int d = 0; d < ids.size(); d++) {
            float alone = served.scorer().logits(List.of(ids.get(d)), List.of(types.get(d)))[0];
            assertEquals(c.logits()[d], together[d], TOLERANCE, "logit of document " + d + " in one batch");
            assertEquals(c.logits()[d], alone, TOLERANCE, "logit of document " + d + " alone");
            if (crossEncoder != null) {
                assertEquals(crossEncoder[d], 1 / (1 + Math.exp(-together[d])), TOLERANCE,
                        "CrossEncoder score of document " + d);
            }
        }
        assertFalse(ids.isEmpty());
    }
}
