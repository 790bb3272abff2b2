package dev.reranker.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * One repository's corner of a huggingface_hub cache:
 *
 * <pre>
 * &lt;cache&gt;/models--org--name/blobs/&lt;etag&gt;                 file contents, named by their hash
 * &lt;cache&gt;/models--org--name/snapshots/&lt;commit&gt;/&lt;path&gt;   relative symlinks into ../../blobs
 * &lt;cache&gt;/models--org--name/refs/&lt;revision&gt;             the commit a branch or tag pointed at
 * &lt;cache&gt;/.locks/models--org--name/&lt;etag&gt;.lock          held while a blob is written
 * </pre>
 *
 * The same paths as huggingface_hub's, so either side reuses what the other downloaded. Every write goes to a
 * temporary name first and is renamed into place, so a reader never sees half a file.
 */
final class HubCache {

    private final Path root;
    private final RepoRef repo;
    private final Path repoDir;

    public HubCache(Path root, RepoRef repo) {
        this.root = root;
        this.repo = repo;
        this.repoDir = root.resolve(repo.folderName());
    }

    public Path root() {
        return root;
    }

    public Path repoDir() {
        return repoDir;
    }

    Path blobs() {
        return repoDir.resolve("blobs");
    }

    Path blob(String etag) {
        return blobs().resolve(etag);
    }

    /** huggingface_hub's name for a partial download, so that either side can resume the other's. */
    Path incomplete(String etag) {
        return blobs().resolve(etag + ".incomplete");
    }

    Path lock(String etag) {
        return root.resolve(".locks").resolve(repo.folderName()).resolve(etag + ".lock");
    }

    public Path snapshot(String commit) {
        return repoDir.resolve("snapshots").resolve(commit);
    }

    Path pointer(String commit, String file) {
        return snapshot(commit).resolve(file);
    }

    /** The commit the revision resolves to in this cache: itself for a commit hash, else what refs/ recorded. */
    Optional<String> commitFor(String revision) {
        if (RepoRef.isCommit(revision)) {
            return Optional.of(revision);
        }
        Path ref = repoDir.resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        try {
            String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            return RepoRef.isCommit(commit) ? Optional.of(commit) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Records that {@code revision} pointed at {@code commit}; nothing to record when the revision is the commit. */
    void writeRef(String revision, String commit) throws IOException {
        if (revision.equals(commit) || commitFor(revision).filter(commit::equals).isPresent()) {
            return;
        }
        Path ref = repoDir.resolve("refs").resolve(revision);
        Files.createDirectories(ref.getParent());
        Path tmp = ref.resolveSibling(ref.getFileName() + ".tmp-" + UUID.randomUUID());
        Files.writeString(tmp, commit, StandardCharsets.UTF_8);
        moveAtomically(tmp, ref);
    }

    /**
     * Makes {@code snapshots/<commit>/<file>} point at the blob, with a relative link as huggingface_hub does, so the
     * cache can be moved or mounted elsewhere. Where links are not allowed the blob is copied instead.
     */
    Path link(String etag, String commit, String file) throws IOException {
        Path pointer = pointer(commit, file);
        Path blob = blob(etag);
        Files.createDirectories(pointer.getParent());
        Path target = pointer.getParent().relativize(blob);
        if (Files.isSymbolicLink(pointer) && Files.readSymbolicLink(pointer).equals(target)) {
            return pointer;
        }
        Path tmp = pointer.resolveSibling(pointer.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createSymbolicLink(tmp, target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        moveAtomically(tmp, pointer);
        return pointer;
    }

    /** Files of a snapshot that resolve to a regular file, as repository paths with '/'. */
    Set<String> snapshotFiles(String commit) {
        Path dir = snapshot(commit);
        Set<String> files = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile)
                    .map(p -> dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/"))
                    .filter(name -> !name.contains(".tmp-"))
                    .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            return new TreeSet<>();
        }
        return files;
    }

    /**
     * Removes a blob found corrupt and the snapshot entry pointing at it, so the next fetch downloads it again.
     */
    void evict(String commit, String file, Path blob) throws IOException {
        Files.deleteIfExists(pointer(commit, file));
        VerifiedBlobs.forget(blob);
        Files.deleteIfExists(blob);
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
