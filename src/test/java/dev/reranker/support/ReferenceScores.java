package dev.reranker.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.reranker.config.Device;
import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.infer.SessionFactory;
import dev.reranker.infer.SessionSettings;
import dev.reranker.model.ModelConfig;
import dev.reranker.model.ModelFiles;
import dev.reranker.tokenize.EncodedText;
import dev.reranker.tokenize.PairLimits;
import dev.reranker.tokenize.PairTokenizer;

/**
 * Scores the cases of safetensors/reference.json with resolved model files as the service does (its tokenizer, a
 * session from its session factory), without starting the application.
 */
public final class ReferenceScores {

    private ReferenceScores() {
    }

    /** Asserts every pair of {@code model}'s cases at max-length 512, flag truncation, within 1e-4 of transformers. */
    public static void assertMatch(ModelFiles files, String model) {
        List<Reference.Case> cases = Reference.all("safetensors/reference.json").stream()
                .filter(c -> c.model().equals(model) && c.maxLength() == 512 && c.truncation().equals("flag"))
                .toList();
        assertFalse(cases.isEmpty());
        int pad = ModelConfig.read(files.config().orElseThrow()).padTokenId().orElseThrow();
        SessionSettings settings = new SessionSettings(Device.CPU, 1, true, false, 0, OptionalLong.empty(),
                "kSameAsRequested", "HEURISTIC", true, false);
        PairLimits limits = new PairLimits(512, Truncation.FLAG, true, TruncationSide.RIGHT, 0);
        try (PairTokenizer tokenizer = PairTokenizer.load(files.tokenizer());
                OnnxScorer scorer = SessionFactory.open(files.onnxFile(), settings, pad)) {
            for (Reference.Case c : cases) {
                EncodedText query = tokenizer.encodeQuery(c.query(), limits);
                List<int[]> ids = new ArrayList<>();
                List<int[]> types = new ArrayList<>();
                for (String document : c.documents()) {
                    var pair = tokenizer.pair(query, tokenizer.encodeDocument(document, limits), limits);
                    ids.add(pair.ids());
                    types.add(pair.typeIds());
                }
                float[] logits = scorer.logits(ids, types);
                for (int d = 0; d < logits.length; d++) {
                    assertEquals(c.logits()[d], logits[d], 1e-4, model + " case " + c.number() + " document " + d);
                }
            }
        }
    }
}
