package dev.reranker.lifecycle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import dev.reranker.engine.ServingModel;
import dev.reranker.infer.OnnxScorer;
import dev.reranker.tokenize.PairTokenizer;

/** A model with everything native it holds, closed together. */
record LoadedModel(ServingModel serving, OnnxScorer scorer, PairTokenizer tokenizer, Optional<Path> unpackedDir)
        implements
            AutoCloseable {

    @Override
    public void close() {
        try {
            scorer.close();
        } finally {
            tokenizer.close();
            unpackedDir.ifPresent(LoadedModel::deleteTree);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans up what remains
        }
    }
}
