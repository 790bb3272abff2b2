package dev.reranker.tokenize;

import java.util.Arrays;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

/**
 * The special tokens a tokenizer's post-processor puts around a pair, learned from a probe pair so
 * that no model family needs hard-coded tokens: XLM-R gives {@code <s> A </s> </s> B </s>}, BERT
 * {@code [CLS] A [SEP] B [SEP]} with segment ids 0 then 1.
 */
// Arrays on purpose: hot-path carriers of token ids, never compared or hashed.
@SuppressWarnings("ArrayRecordComponent")
record PairTemplate(int[] prefix, int[] prefixTypes, int[] middle, int[] middleTypes, int[] suffix,
        int[] suffixTypes, int firstType, int secondType) {

    private static final String PROBE_A = "a";
    private static final String PROBE_B = "b";

    static PairTemplate probe(HuggingFaceTokenizer tokenizer) {
        int lengthA = tokenizer.encode(PROBE_A, false, false).getIds().length;
        int lengthB = tokenizer.encode(PROBE_B, false, false).getIds().length;
        Encoding pair = tokenizer.encode(PROBE_A, PROBE_B, true, false);
        long[] ids = pair.getIds();
        long[] types = pair.getTypeIds();
        long[] special = pair.getSpecialTokenMask();
        int i = 0;
        int prefixEnd = skipSpecial(special, i);
        int aEnd = prefixEnd + lengthA;
        int middleEnd = skipSpecial(special, aEnd);
        int bEnd = middleEnd + lengthB;
        if (lengthA == 0 || lengthB == 0 || bEnd > ids.length || !allSpecial(special, bEnd, ids.length)
                || !noneSpecial(special, prefixEnd, aEnd) || !noneSpecial(special, middleEnd, bEnd)) {
            throw new IllegalStateException("the tokenizer's post-processor does not lay out a pair as"
                    + " [special] A [special] B [special]: " + Arrays.toString(pair.getTokens()));
        }
        return new PairTemplate(
                ints(ids, 0, prefixEnd), ints(types, 0, prefixEnd),
                ints(ids, aEnd, middleEnd), ints(types, aEnd, middleEnd),
                ints(ids, bEnd, ids.length), ints(types, bEnd, ids.length),
                (int) types[prefixEnd], (int) types[middleEnd]);
    }

    /** Special tokens a pair carries in all. */
    int specialCount() {
        return prefix.length + middle.length + suffix.length;
    }

    /** Lays out {@code first} and {@code second} (already cut) between the special tokens. */
    EncodedPair assemble(int[] first, int[] second) {
        int length = specialCount() + first.length + second.length;
        int[] ids = new int[length];
        int[] types = new int[length];
        int at = 0;
        at = put(ids, types, at, prefix, prefixTypes);
        at = put(ids, types, at, first, firstType);
        at = put(ids, types, at, middle, middleTypes);
        at = put(ids, types, at, second, secondType);
        put(ids, types, at, suffix, suffixTypes);
        return new EncodedPair(ids, types);
    }

    private static int put(int[] ids, int[] types, int at, int[] from, int[] fromTypes) {
        System.arraycopy(from, 0, ids, at, from.length);
        System.arraycopy(fromTypes, 0, types, at, from.length);
        return at + from.length;
    }

    private static int put(int[] ids, int[] types, int at, int[] from, int type) {
        System.arraycopy(from, 0, ids, at, from.length);
        Arrays.fill(types, at, at + from.length, type);
        return at + from.length;
    }

    private static int skipSpecial(long[] special, int from) {
        int i = from;
        while (i < special.length && special[i] == 1) {
            i++;
        }
        return i;
    }

    private static boolean allSpecial(long[] special, int from, int to) {
        for (int i = from; i < to; i++) {
            if (special[i] != 1) {
                return false;
            }
        }
        return true;
    }

    private static boolean noneSpecial(long[] special, int from, int to) {
        for (int i = from; i < to; i++) {
            if (special[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] ints(long[] values, int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = Math.toIntExact(values[i]);
        }
        return out;
    }
}
