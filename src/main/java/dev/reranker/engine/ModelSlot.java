package dev.reranker.engine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The model being served and the state it is in, as one immutable {@link ModelState} behind one reference: every
 * transition replaces it whole, so a reader never sees a model of one state with the flags of another. The
 * lifecycle room drives the transitions (an architecture test keeps everyone else to the reading side); the engine
 * takes the model from here for every request; health checks read it.
 */
@ApplicationScoped
public class ModelSlot {

    private final AtomicReference<ModelState> current = new AtomicReference<>(
            new ModelState(ServiceState.LOADING, null, true, null, 0, null, null, 0));
    private final AtomicReference<CompletableFuture<ServingModel>> reloading = new AtomicReference<>();
    // Written by every request, so kept out of the record's single reference.
    private volatile long lastUsedNanos = System.nanoTime();

    /** The whole state at one instant. */
    public ModelState snapshot() {
        return current.get();
    }

    /**
     * The model for a new request, held by the returned lease until the caller releases it. Completes later when the
     * model was released for idleness and is being loaded again.
     *
     * @throws ServiceException UNHEALTHY when no model can serve
     */
    CompletableFuture<ModelLease> acquire() {
        lastUsedNanos = System.nanoTime();
        while (true) {
            ModelState now = current.get();
            if (now.model() != null && now.accepting()) {
                if (now.model().inFlight().tryEnter()) {
                    return CompletableFuture.completedFuture(new ModelLease(now.model()));
                }
                continue; // retired by a swap between the read and the count: take the new one
            }
            if (now.model() == null && now.accepting() && now.state() == ServiceState.IDLE && now.reloader() != null) {
                return reloadOnce(now.reloader()).thenCompose(loaded -> acquire());
            }
            throw new ServiceException(ErrorKind.UNHEALTHY, unavailableMessage(now));
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the callback completes `mine` on every path
    private CompletableFuture<ServingModel> reloadOnce(Supplier<CompletableFuture<ServingModel>> reload) {
        CompletableFuture<ServingModel> mine = new CompletableFuture<>();
        if (!reloading.compareAndSet(null, mine)) {
            CompletableFuture<ServingModel> running = reloading.get();
            return running != null ? running : reloadOnce(reload);
        }
        reload.get().whenComplete((loaded, error) -> {
            reloading.set(null);
            if (error != null) {
                mine.completeExceptionally(new ServiceException(ErrorKind.UNHEALTHY,
                        "Reloading the model after idling failed: " + error.getMessage(), 0, error));
            } else {
                update(ModelState::reloaded);
                mine.complete(loaded);
            }
        });
        return mine;
    }

    /** {@link System#nanoTime()} of the last request. */
    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    // ---- transitions: called by the lifecycle room only

    /** Files are being fetched or the session created; the started probe is DOWN. */
    public void loading(String detail) {
        update(s -> s.model() != null ? s : s.with(ServiceState.LOADING).withLoadingDetail(detail));
    }

    /** What loading is doing now, while it is. */
    public void loadingDetail(String detail) {
        update(s -> s.withLoadingDetail(detail));
    }

    /** Loaded and warming up: requests are not taken yet. */
    public void warming() {
        update(s -> (s.model() == null ? s.with(ServiceState.WARMING) : s).withLoadingDetail(null));
    }

    /** Serves {@code loaded} from now on; returns the model it replaces, for its owner to retire and close. */
    public ServingModel serve(ServingModel loaded) {
        return swap(s -> new ModelState(ServiceState.READY, loaded, true, null, System.currentTimeMillis(), null,
                null, s.reloadsAfterIdle()));
    }

    /** Readiness DOWN; requests are still taken until {@link #stopAccepting()}. */
    public void draining() {
        update(s -> s.with(ServiceState.DRAINING));
    }

    /** New requests get 503 from now on. */
    public void stopAccepting() {
        update(ModelState::refusing);
    }

    /** No model any more; returns the one removed, for its owner to retire and close. */
    public ServingModel unload(ServiceState next) {
        boolean accepting = next != ServiceState.DRAINING && next != ServiceState.UNLOADED;
        return swap(s -> new ModelState(next, null, accepting, s.failure(), s.loadedAt(), null, null,
                s.reloadsAfterIdle()));
    }

    /**
     * Releases the model for idleness: readiness stays UP and the next request calls {@code reload} (once, however
     * many requests wait) and proceeds with what it loads.
     */
    public ServingModel idle(Supplier<CompletableFuture<ServingModel>> reload) {
        return swap(s -> new ModelState(ServiceState.IDLE, null, s.accepting(), s.failure(), s.loadedAt(), null, reload,
                s.reloadsAfterIdle()));
    }

    public void failed(String message) {
        update(s -> s.with(ServiceState.FAILED).failing(message));
    }

    private void update(UnaryOperator<ModelState> transition) {
        current.updateAndGet(transition);
    }

    private ServingModel swap(UnaryOperator<ModelState> transition) {
        return current.getAndUpdate(transition).model();
    }

    private static String unavailableMessage(ModelState s) {
        return switch (s.state()) {
            case LOADING, WARMING -> "Model is loading; retry when /health answers 200";
            case DRAINING -> "The service is shutting down or unloading its model";
            case UNLOADED -> "No model is loaded (POST /admin/model/load loads one)";
            case FAILED -> "Model failed to load: " + s.failure();
            case READY, IDLE -> "The service is shutting down";
        };
    }
}
