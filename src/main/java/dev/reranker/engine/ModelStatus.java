package dev.reranker.engine;

import java.util.Optional;

/**
 * The served model as the admin API reports it.
 *
 * @param state loading, warming, ready, draining, unloaded, failed — or idle (unloaded after
 *        reranker.idle-unload, reloaded by the next request)
 * @param loading a load in progress while the current model keeps serving
 * @param model what is served, when anything is
 * @param loadedAt epoch milliseconds when it was swapped in
 * @param error why the last load failed, if it did
 */
public record ModelStatus(String state, boolean loading, Optional<ModelDescriptor> model, long loadedAt,
        Optional<String> error) {
}
