package dev.reranker.engine;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One consistent view of the served model (see {@link ModelSlot}).
 *
 * @param state where the model is in its life
 * @param model what serves, null when nothing does
 * @param accepting whether new requests are taken (false from the second phase of a drain)
 * @param failure why loading failed, when it did
 * @param loadedAt epoch milliseconds when the served model was swapped in; 0 before
 * @param loadingDetail what loading is doing now (a download's progress), for the startup probe
 * @param reloader how the next request loads the model again after it was released for idleness
 * @param reloadsAfterIdle times a request found the model released for idleness and waited for it to load again
 */
public record ModelState(ServiceState state, ServingModel model, boolean accepting, String failure, long loadedAt,
        String loadingDetail, Supplier<CompletableFuture<ServingModel>> reloader, int reloadsAfterIdle) {

    public Optional<ServingModel> served() {
        return Optional.ofNullable(model);
    }

    /** What loading is doing now; empty once it is done. */
    public Optional<String> loadingNow() {
        return state == ServiceState.LOADING ? Optional.ofNullable(loadingDetail) : Optional.empty();
    }

    ModelState with(ServiceState next) {
        return new ModelState(next, model, accepting, failure, loadedAt, loadingDetail, reloader, reloadsAfterIdle);
    }

    ModelState withLoadingDetail(String detail) {
        return new ModelState(state, model, accepting, failure, loadedAt, detail, reloader, reloadsAfterIdle);
    }

    ModelState refusing() {
        return new ModelState(state, model, false, failure, loadedAt, loadingDetail, reloader, reloadsAfterIdle);
    }

    ModelState failing(String why) {
        return new ModelState(state, model, accepting, why, loadedAt, null, reloader, reloadsAfterIdle);
    }

    ModelState reloaded() {
        return new ModelState(state, model, accepting, failure, loadedAt, loadingDetail, reloader,
                reloadsAfterIdle + 1);
    }
}
