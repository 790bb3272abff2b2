package dev.reranker.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.support.Reference;

/** The tokenizer never sees more than a character budget derived from max-length. */
class CharacterBudgetTest {

    private static final int MAX_LENGTH = 512;
    private static final PairLimits LIMITS = new PairLimits(MAX_LENGTH, Truncation.FLAG, true, TruncationSide.RIGHT, 0);
    private static PairTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = PairTokenizer.load(Reference.modelDir("tiny-xlmr").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static String megabyte() {
        return "Relevant words at the start, then filler about kernels and processes. ".repeat(15_000);
    }

    @Test
    void aMegabyteDocumentIsCutToTheBudgetBeforeTokenization() {
        String document = megabyte();
        assertTrue(document.length() > 1_000_000);
        EncodedText encoded = tokenizer.encodeDocument(document, LIMITS);
        assertEquals(PairTokenizer.charBudget(MAX_LENGTH), encoded.charsSeen());
        assertEquals(16 * 512 + 16, encoded.charsSeen());
        assertTrue(encoded.cut());
        assertTrue(encoded.length() >= MAX_LENGTH, "the budget still holds every token that can be kept");
        EncodedPair pair = tokenizer.pair(tokenizer.encodeQuery("relevant words", LIMITS), encoded, LIMITS);
        assertEquals(MAX_LENGTH, pair.length());
    }

    @Test
    void theBudgetFollowsTheCapOnDocumentTokens() {
        PairLimits capped = new PairLimits(MAX_LENGTH, Truncation.FLAG, true, TruncationSide.RIGHT, 10);
        assertEquals(PairTokenizer.charBudget(10), tokenizer.encodeDocument(megabyte(), capped).charsSeen());
    }

    @Test
    void cuttingBeforeTokenizationChangesNoKeptToken() {
        String document = megabyte();
        String prefix = document.substring(0, 20_000);
        EncodedPair fromBudget = tokenizer.pair(tokenizer.encodeQuery("q", LIMITS),
                tokenizer.encodeDocument(document, LIMITS), LIMITS);
        EncodedPair fromPrefix = tokenizer.pair(tokenizer.encodeQuery("q", LIMITS),
                tokenizer.encodeDocument(prefix, LIMITS), LIMITS);
        assertArrayEquals(fromPrefix.ids(), fromBudget.ids());
    }

    @Test
    void leftTruncationKeepsTheEndAndNeverSplitsASurrogatePair() {
        String document = "start ".repeat(10_000) + "🚀".repeat(5_000) + " the end";
        PairLimits left = new PairLimits(MAX_LENGTH, Truncation.FLAG, true, TruncationSide.LEFT, 0);
        EncodedText encoded = tokenizer.encodeDocument(document, left);
        assertTrue(encoded.charsSeen() <= PairTokenizer.charBudget(MAX_LENGTH));
        assertEquals(document.length(), encoded.ends()[encoded.length() - 1]);
        EncodedText right = tokenizer.encodeDocument("🚀".repeat(10_000), LIMITS);
        assertTrue(right.charsSeen() <= PairTokenizer.charBudget(MAX_LENGTH));
        assertEquals(0, right.charsSeen() % 2, "cut between surrogate pairs");
    }

    @Test
    void aCutTextCountsAsTooLongWhenTruncationIsOff() {
        PairLimits strict = new PairLimits(MAX_LENGTH, Truncation.FLAG, false, TruncationSide.RIGHT, 0);
        InputTooLongException e = assertThrows(InputTooLongException.class, () -> tokenizer.pair(
                tokenizer.encodeQuery("q", strict), tokenizer.encodeDocument(megabyte(), strict), strict));
        assertTrue(e.atLeast());
        assertTrue(e.getMessage().contains("Given: more than"), e.getMessage());
    }

    @Test
    void longestFirstFollowsHuggingFace() {
        // available 10: the shorter side keeps all when the longer can absorb the cut, else both get half.
        assertArrayEquals(new int[] { 3, 7 }, PairTokenizer.longestFirst(3, 50, 10));
        assertArrayEquals(new int[] { 7, 3 }, PairTokenizer.longestFirst(50, 3, 10));
        assertArrayEquals(new int[] { 5, 5 }, PairTokenizer.longestFirst(20, 50, 10));
        assertArrayEquals(new int[] { 5, 6 }, PairTokenizer.longestFirst(20, 50, 11));
        assertArrayEquals(new int[] { 4, 5 }, PairTokenizer.longestFirst(4, 5, 10));
    }
}
