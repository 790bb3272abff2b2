package dev.reranker.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.support.Reference;

/** Splitting a long document into windows of the tokens that fit beside the query. */
class DocumentWindowsTest {

    private static final PairLimits LIMITS = new PairLimits(64, Truncation.FLAG, true, TruncationSide.RIGHT, 0);
    private static PairTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = PairTokenizer.load(Reference.modelDir("tiny-xlmr").resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    private static String document(int sentences) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            text.append("Sentence number ").append(i).append(" talks about kernels, processes and licenses. ");
        }
        return text.toString();
    }

    /** The document tokens of a window: its pair without the query and the special tokens. */
    private static int[] documentPart(EncodedPair pair, int queryLength) {
        // XLM-R: <s> query </s> </s> document </s>
        return Arrays.copyOfRange(pair.ids(), 1 + queryLength + 2, pair.length() - 1);
    }

    @Test
    void aDocumentThatFitsIsOnePairExactlyAsTruncationMakesIt() {
        EncodedText query = tokenizer.encodeQuery("kernels", LIMITS);
        EncodedText document = tokenizer.encodeDocument("A short text about kernels.", LIMITS, 10);
        List<DocumentWindow> windows = tokenizer.windows(query, document, LIMITS, 10, 8);
        assertEquals(1, windows.size());
        assertArrayEquals(tokenizer.pair(query, document, LIMITS).ids(), windows.get(0).pair().ids());
        assertEquals(-1, windows.get(0).charStart());
    }

    @Test
    void windowsShareExactlyTheOverlapAndCoverTheDocument() {
        String text = document(12);
        EncodedText query = tokenizer.encodeQuery("kernels and licenses", LIMITS);
        EncodedText document = tokenizer.encodeDocument(text, LIMITS, 100);
        List<DocumentWindow> windows = tokenizer.windows(query, document, LIMITS, 100, 8);
        int window = 64 - 4 - query.length();
        assertTrue(windows.size() > 3);
        for (int i = 0; i < windows.size(); i++) {
            EncodedPair pair = windows.get(i).pair();
            assertTrue(pair.length() <= 64);
            int[] part = documentPart(pair, query.length());
            int from = i * (window - 8);
            assertArrayEquals(Arrays.copyOfRange(document.ids(), from, Math.min(document.length(), from + window)),
                    part,
                    "window " + i);
            if (i > 0) {
                int[] previous = documentPart(windows.get(i - 1).pair(), query.length());
                assertArrayEquals(Arrays.copyOfRange(previous, previous.length - 8, previous.length),
                        Arrays.copyOfRange(part, 0, 8),
                        "window " + i + " starts with the last 8 tokens of the one before");
            }
        }
        int[] last = documentPart(windows.get(windows.size() - 1).pair(), query.length());
        assertEquals(document.ids()[document.length() - 1], last[last.length - 1], "the last window reaches the end");
        DocumentWindow first = windows.get(0);
        assertEquals(0, first.charStart());
        assertTrue(text.substring(first.charStart(), first.charEnd()).startsWith("Sentence number 0"));
    }

    @Test
    void theWindowLimitIsHonouredAndBoundsTheTokenizer() {
        String megabyte = document(16_000);
        assertTrue(megabyte.length() > 1_000_000);
        EncodedText query = tokenizer.encodeQuery("kernels", LIMITS);
        EncodedText document = tokenizer.encodeDocument(megabyte, LIMITS, 5);
        assertEquals(PairTokenizer.charBudget(5 * 64), document.charsSeen());
        List<DocumentWindow> windows = tokenizer.windows(query, document, LIMITS, 5, 8);
        assertEquals(5, windows.size());
    }

    @Test
    void spansAreExactTextEvenAfterEmoji() {
        String text = "🚀 rocket ".repeat(40) + "the relevant licence sentence at the very end";
        EncodedText query = tokenizer.encodeQuery("licence", LIMITS);
        EncodedText document = tokenizer.encodeDocument(text, LIMITS, 50);
        List<DocumentWindow> windows = tokenizer.windows(query, document, LIMITS, 50, 8);
        DocumentWindow last = windows.get(windows.size() - 1);
        assertTrue(text.substring(last.charStart(), last.charEnd()).endsWith("at the very end"),
                text.substring(last.charStart(), last.charEnd()));
    }
}
