package dev.reranker.engine;

/**
 * Which window of a split document scored highest.
 *
 * @param start its first character in the document (UTF-16 index)
 * @param end one past its last character
 * @param window its position among the document's windows, from 0
 * @param windows how many windows the document was scored through
 */
public record BestWindow(int start, int end, int window, int windows) {
}
