package dev.reranker.tokenize;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.huggingface.tokenizers.jni.LibUtils;
import dev.reranker.config.Truncation;
import dev.reranker.config.TruncationSide;
import dev.reranker.model.ModelLoadException;

/**
 * Encodes query-document pairs with the model's own {@code tokenizer.json}.
 *
 * <p>
 * Query and document are encoded separately without special tokens, cut, then placed between the
 * special tokens the tokenizer's post-processor uses for a pair. That is what Hugging Face tokenizers
 * does for a pair internally, and it lets the query be encoded once per request, not once per document.
 *
 * <p>
 * Thread-safe: the native tokenizer is immutable once built.
 */
public final class PairTokenizer implements AutoCloseable {

    /**
     * Characters per token a text is allowed before tokenization. A kept token spans at most a few
     * characters, so {@code tokens * 16} characters hold every token that can be kept while a 1 MB
     * document costs the tokenizer no more than a short one.
     */
    static final int CHARS_PER_TOKEN = 16;

    private static final String[] PAD_CANDIDATES = { "<pad>", "[PAD]", "<|pad|>", "<|padding|>" };

    private final HuggingFaceTokenizer tokenizer;
    private final PairTemplate template;

    private PairTokenizer(HuggingFaceTokenizer tokenizer, PairTemplate template) {
        this.tokenizer = tokenizer;
        this.template = template;
    }

    /** Loads {@code tokenizer.json}; fails with a message naming the file when it does not parse. */
    public static PairTokenizer load(Path tokenizerJson) {
        offline();
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
                    "addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new ModelLoadException("Cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        try {
            return new PairTokenizer(tokenizer, PairTemplate.probe(tokenizer));
        } catch (RuntimeException e) {
            tokenizer.close();
            throw new ModelLoadException("Tokenizer " + tokenizerJson + " cannot encode pairs: " + e.getMessage(), e);
        }
    }

    /**
     * Loads DJL's native tokenizer library now (what the first tokenizer would otherwise do): DJL probes the
     * platform and CUDA through JNA, then loads libtokenizers.so from its cache (DJL_CACHE_DIR), extracting it
     * there the first time.
     */
    public static void loadNativeLibrary() {
        offline();
        LibUtils.checkStatus();
    }

    private static void offline() {
        // DJL probes the EC2 metadata endpoint on first use unless told it is offline; a service that
        // must start without a network has no business waiting on that.
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
    }

    /** Characters of a text the tokenizer is given when at most {@code tokens} of it can be kept. */
    public static int charBudget(int tokens) {
        return (int) Math.min(Integer.MAX_VALUE, (long) tokens * CHARS_PER_TOKEN + CHARS_PER_TOKEN);
    }

    /** Special tokens around every pair (4 for XLM-R, 3 for BERT). */
    public int specialTokens() {
        return template.specialCount();
    }

    /** The id of the padding token, when the vocabulary has a recognisable one. */
    public OptionalInt padTokenId() {
        for (String candidate : PAD_CANDIDATES) {
            try {
                Encoding encoding = tokenizer.encode(candidate, false, false);
                if (encoding.getIds().length == 1 && candidate.equals(encoding.getTokens()[0])) {
                    return OptionalInt.of(Math.toIntExact(encoding.getIds()[0]));
                }
            } catch (RuntimeException unknownWord) {
                // a vocabulary without an unknown token refuses words it lacks: not this candidate
            }
        }
        return OptionalInt.empty();
    }

    /** Encodes the query once for all pairs of a request. */
    public EncodedText encodeQuery(String query, PairLimits limits) {
        return encode(query, limits.maxLength(), limits.side());
    }

    /** Encodes one document as far as any of it can be kept. */
    public EncodedText encodeDocument(String document, PairLimits limits) {
        return encodeDocument(document, limits, 1);
    }

    /**
     * Encodes one document as far as {@code maxWindows} windows can reach: a 1 MB document split into at most
     * ten windows costs the tokenizer ten windows' worth of characters, not a megabyte.
     */
    public EncodedText encodeDocument(String document, PairLimits limits, int maxWindows) {
        long reach = (long) limits.maxLength() * Math.max(1, maxWindows);
        int keep = (int) Math.min(limits.maxDocTokens() > 0 ? Math.min(limits.maxDocTokens(), reach) : reach,
                Integer.MAX_VALUE / PairTokenizer.CHARS_PER_TOKEN - 1);
        return encode(document, keep, limits.side());
    }

    /**
     * Encodes a text without special tokens, giving the tokenizer at most {@link #charBudget} characters
     * from the side that is kept.
     */
    public EncodedText encode(String text, int keepTokens, TruncationSide side) {
        int budget = charBudget(keepTokens);
        int from = 0;
        int to = text.length();
        if (text.length() > budget) {
            if (side == TruncationSide.RIGHT) {
                to = budget;
                if (Character.isHighSurrogate(text.charAt(to - 1))) {
                    to--;
                }
            } else {
                from = text.length() - budget;
                if (Character.isLowSurrogate(text.charAt(from))) {
                    from++;
                }
            }
        }
        String seen = from == 0 && to == text.length() ? text : text.substring(from, to);
        Encoding encoding;
        try {
            encoding = tokenizer.encode(seen, false, false);
        } catch (RuntimeException e) {
            throw new TokenizationException("The tokenizer failed on a text of " + seen.length() + " characters: "
                    + e.getMessage(), e);
        }
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = Math.toIntExact(ids[i]);
        }
        CharSpan[] spans = encoding.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        CodePointIndex index = new CodePointIndex(seen);
        for (int i = 0; i < ids.length; i++) {
            CharSpan span = spans != null && i < spans.length ? spans[i] : null;
            starts[i] = span == null ? -1 : index.charIndex(span.getStart()) + from;
            ends[i] = span == null ? -1 : index.charIndex(span.getEnd()) + from;
        }
        return new EncodedText(out, starts, ends, seen.length(), text.length());
    }

    /**
     * The tokenizer reports offsets in code points; Java strings index UTF-16 units, which differ after
     * every character outside the Basic Multilingual Plane (emoji). Offsets arrive in order, so a cursor
     * walks the string once.
     */
    private static final class CodePointIndex {
        private final String text;
        private final boolean identity;
        private int codePoint;
        private int charIndex;

        CodePointIndex(String text) {
            this.text = text;
            this.identity = text.codePointCount(0, text.length()) == text.length();
        }

        int charIndex(int codePointOffset) {
            if (identity) {
                return codePointOffset;
            }
            if (codePointOffset < codePoint) {
                codePoint = 0;
                charIndex = 0;
            }
            charIndex = text.offsetByCodePoints(charIndex, codePointOffset - codePoint);
            codePoint = codePointOffset;
            return charIndex;
        }
    }

    /**
     * Fits query and document into one pair under {@code limits}.
     *
     * @throws InputTooLongException when the pair does not fit and truncation is off
     */
    public EncodedPair pair(EncodedText query, EncodedText document, PairLimits limits) {
        int[] first = query.ids();
        int[] second = document.ids();
        if (limits.maxDocTokens() > 0 && second.length > limits.maxDocTokens()) {
            second = keep(second, limits.maxDocTokens(), limits.side());
        }
        int[] kept = kept(first.length, second.length, query.cut() || (document.cut() && second == document.ids()),
                limits);
        return template.assemble(keep(first, kept[0], limits.side()), keep(second, kept[1], limits.side()));
    }

    /**
     * How many query and document tokens a pair keeps under {@code limits}, exactly as FlagEmbedding or
     * sentence-transformers would cut them.
     *
     * @param longerThanSeen a text was cut by the character budget, so it is longer than its tokens say
     * @throws InputTooLongException when the pair does not fit and truncation is off
     */
    private int[] kept(int queryLength, int documentLength, boolean longerThanSeen, PairLimits limits) {
        int special = template.specialCount();
        int maxLength = limits.maxLength();
        int total = special + queryLength + documentLength;
        boolean fits = total <= maxLength && !longerThanSeen;
        int[] all = { queryLength, documentLength };
        if (!limits.truncate()) {
            if (!fits) {
                throw new InputTooLongException(total, maxLength, longerThanSeen);
            }
            return all;
        }
        // FlagEmbedding cuts the query to 3/4 of max-length even when the pair would fit.
        boolean queryOverFlagShare = limits.strategy() == Truncation.FLAG && queryLength > maxLength * 3 / 4;
        if (fits && !queryOverFlagShare) {
            return all;
        }
        int available = maxLength - special;
        if (limits.strategy() == Truncation.FLAG) {
            int keepFirst = Math.min(queryLength, maxLength * 3 / 4);
            return new int[] { keepFirst, Math.min(documentLength, Math.max(0, available - keepFirst)) };
        }
        return longestFirst(queryLength, documentLength, available);
    }

    /**
     * The pairs a document is scored through when long documents are split: one pair, exactly as
     * {@link #pair} makes it, when the document fits; otherwise windows of the document tokens that fit
     * beside the query, neighbours sharing {@code overlap} tokens, at most {@code maxWindows} of them.
     * Windows start at the side that is kept ({@link TruncationSide#RIGHT}: the beginning).
     */
    public java.util.List<DocumentWindow> windows(EncodedText query, EncodedText document, PairLimits limits,
            int maxWindows, int overlap) {
        int[] second = document.ids();
        if (limits.maxDocTokens() > 0 && second.length > limits.maxDocTokens()) {
            second = keep(second, limits.maxDocTokens(), limits.side());
        }
        boolean docLongerThanSeen = document.cut() && second == document.ids();
        // The query as it is kept beside a document too long to fit.
        int[] longDocument = kept(query.length(), Integer.MAX_VALUE / 2, true,
                new PairLimits(limits.maxLength(), limits.strategy(), true, limits.side(), 0));
        int window = limits.maxLength() - template.specialCount() - longDocument[0];
        boolean fits = !docLongerThanSeen && second.length <= window;
        if (maxWindows <= 1 || window < 1 || fits) {
            return java.util.List.of(DocumentWindow.whole(pair(query, document, limits)));
        }
        int[] first = keep(query.ids(), longDocument[0], limits.side());
        int stride = Math.max(1, window - Math.max(0, overlap));
        int offset = second == document.ids() || limits.side() == TruncationSide.RIGHT ? 0
                : document.length() - second.length;
        java.util.List<DocumentWindow> windows = new java.util.ArrayList<>();
        for (int i = 0; i < maxWindows; i++) {
            int from;
            int to;
            if (limits.side() == TruncationSide.RIGHT) {
                from = i * stride;
                to = Math.min(second.length, from + window);
            } else {
                to = second.length - i * stride;
                from = Math.max(0, to - window);
            }
            int[] part = Arrays.copyOfRange(second, from, to);
            windows.add(new DocumentWindow(template.assemble(first, part), document.starts()[offset + from],
                    document.ends()[offset + to - 1]));
            if (limits.side() == TruncationSide.RIGHT ? to >= second.length : from == 0) {
                break;
            }
        }
        return windows;
    }

    /**
     * Hugging Face tokenizers' LongestFirst pair truncation: the shorter side keeps what it has when the
     * longer one can absorb the cut; otherwise both get half.
     */
    static int[] longestFirst(int lengthA, int lengthB, int available) {
        boolean swap = lengthA > lengthB;
        int shorter = swap ? lengthB : lengthA;
        int longer;
        if (shorter > available) {
            longer = shorter;
        } else {
            longer = Math.max(shorter, available - shorter);
        }
        if (shorter + longer > available) {
            shorter = available / 2;
            longer = shorter + available % 2;
        }
        int keepA = swap ? longer : shorter;
        int keepB = swap ? shorter : longer;
        return new int[] { Math.min(lengthA, keepA), Math.min(lengthB, keepB) };
    }

    private static int[] keep(int[] ids, int count, TruncationSide side) {
        if (count >= ids.length) {
            return ids;
        }
        return side == TruncationSide.RIGHT ? Arrays.copyOf(ids, count)
                : Arrays.copyOfRange(ids, ids.length - count, ids.length);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
