package dev.reranker.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.support.Reference;

/** The tokenization component yields exactly the reference input_ids and token_type_ids. */
class PairTokenizerReferenceTest {

    private static PairTokenizer xlmr;
    private static PairTokenizer bert;

    @BeforeAll
    static void load() {
        xlmr = PairTokenizer.load(Reference.modelDir("tiny-xlmr").resolve("tokenizer.json"));
        bert = PairTokenizer.load(Reference.modelDir("tiny-bert").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        xlmr.close();
        bert.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Reference.Case c : Reference.all()) {
            if (!c.model().equals("small-xlmr")) {
                out.add(Arguments.of(c.number(), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "case {0}")
    @MethodSource("cases")
    void encodesLikeHuggingFace(int number, Reference.Case c) {
        PairTokenizer tokenizer = c.model().equals("tiny-bert") ? bert : xlmr;
        PairLimits limits = new PairLimits(c.maxLength(), Truncation.valueOf(c.truncation().toUpperCase(Locale.ROOT)),
                true,
                TruncationSide.RIGHT, 0);
        EncodedText query = tokenizer.encodeQuery(c.query(), limits);
        for (int d = 0; d < c.documents().size(); d++) {
            EncodedPair pair = tokenizer.pair(query, tokenizer.encodeDocument(c.documents().get(d), limits), limits);
            assertArrayEquals(c.inputIds().get(d), pair.ids(), "input_ids of case " + number + " document " + d);
            if (c.typeIds() != null) {
                assertArrayEquals(c.typeIds().get(d), pair.typeIds(), "token_type_ids of case " + number + " doc " + d);
            }
            assertFalse(pair.length() > c.maxLength());
        }
        assertEquals(c.documents().size(), c.inputIds().size());
    }
}
