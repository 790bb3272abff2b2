package dev.reranker.tokenize;

/**
 * A part of a document scored as its own pair.
 *
 * @param pair query and this part, ready for the model
 * @param charStart where the part starts in the document (UTF-16 index), -1 for a document scored whole
 * @param charEnd where it ends (exclusive), -1 for a document scored whole
 */
public record DocumentWindow(EncodedPair pair, int charStart, int charEnd) {

    static DocumentWindow whole(EncodedPair pair) {
        return new DocumentWindow(pair, -1, -1);
    }
}
