package dev.reranker.model.hub;

import java.util.regex.Pattern;

import dev.reranker.model.ModelLoadException;

/**
 * A model repository on the Hub and the revision asked for.
 *
 * @param id {@code org/name} or {@code name}
 * @param revision branch, tag or commit
 */
public record RepoRef(String id, String revision) {

    /** huggingface_hub's rule for repository ids: word characters, dots and dashes, one optional namespace. */
    private static final Pattern ID = Pattern.compile("^([\\w.-]+/)?[\\w.-]{1,96}$");
    private static final Pattern COMMIT = Pattern.compile("^[0-9a-f]{40}$");

    public RepoRef {
        id = id == null ? "" : id.strip();
        revision = revision == null || revision.isBlank() ? "main" : revision.strip();
        if (!ID.matcher(id).matches() || id.contains("--") || id.contains("..") || id.startsWith(".")
                || id.endsWith(".")) {
            throw new ModelLoadException("reranker.model.id '" + id + "' is not a Hugging Face repository id;"
                    + " expected org/name, e.g. BAAI/bge-reranker-v2-m3");
        }
        if (revision.contains("..") || revision.startsWith("/")) {
            throw new ModelLoadException("reranker.model.revision '" + revision + "' is not a branch, tag or commit");
        }
    }

    /** The cache folder name huggingface_hub uses: {@code models--org--name}. */
    public String folderName() {
        return "models--" + id.replace("/", "--");
    }

    static boolean isCommit(String value) {
        return COMMIT.matcher(value).matches();
    }

    @Override
    public String toString() {
        return id + "@" + revision;
    }
}
