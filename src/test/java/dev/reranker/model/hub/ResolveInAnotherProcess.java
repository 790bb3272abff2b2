package dev.reranker.model.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import dev.reranker.model.ModelFiles;

/**
 * Entry point of the second process in {@link TwoProcessesTest}: resolves one repository into a shared cache and
 * prints the ONNX file it got. Args: endpoint, cache dir, repository id.
 */
public final class ResolveInAnotherProcess {

    private ResolveInAnotherProcess() {
    }

    public static void main(String[] args) {
        HubSettings settings = new HubSettings(URI.create(args[0]), Optional.empty(), false, Path.of(args[1]),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60), 3, Duration.ofMillis(10), true);
        ModelFiles files = new HubModelResolver(settings, line -> {
        }).resolve(new RepoRef(args[2], "main"), Optional.empty(), Optional.empty());
        System.out.println("RESOLVED " + files.onnxFile());
    }
}
