package dev.reranker.engine;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The model being served and the state it is in. The lifecycle room moves it through its states;
 * the engine takes the model from here for every request; health checks read it.
 */
@ApplicationScoped
public class ModelSlot {

    private volatile ServiceState state = ServiceState.LOADING;
    private volatile ServingModel model;
    private volatile boolean accepting = true;
    private volatile String failure;
    private volatile long loadedAt;
    private volatile long lastUsedNanos = System.nanoTime();
    private volatile Supplier<CompletableFuture<ServingModel>> reloader;
    private final AtomicReference<CompletableFuture<ServingModel>> reloading = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger reloadsAfterIdle = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String loadingDetail;

    /**
     * The model for a new request, counted into its {@link InFlight}; the caller must {@code exit()} it.
     * Completes later when the model was released for idleness and is being loaded again.
     *
     * @throws RerankException UNHEALTHY when no model can serve
     */
    public CompletableFuture<ServingModel> acquire() {
        lastUsedNanos = System.nanoTime();
        while (true) {
            ServingModel current = model;
            if (current != null && accepting) {
                if (current.inFlight().tryEnter()) {
                    return CompletableFuture.completedFuture(current);
                }
                continue; // retired by a swap between the read and the count: take the new one
            }
            Supplier<CompletableFuture<ServingModel>> reload = reloader;
            if (current == null && accepting && state == ServiceState.IDLE && reload != null) {
                return reloadOnce(reload).thenCompose(loaded -> acquire());
            }
            throw new RerankException(ErrorKind.UNHEALTHY, unavailableMessage());
        }
    }

    private CompletableFuture<ServingModel> reloadOnce(Supplier<CompletableFuture<ServingModel>> reload) {
        CompletableFuture<ServingModel> running = reloading.get();
        if (running != null) {
            return running;
        }
        CompletableFuture<ServingModel> mine = new CompletableFuture<>();
        if (!reloading.compareAndSet(null, mine)) {
            return reloading.get();
        }
        reload.get().whenComplete((loaded, error) -> {
            reloading.set(null);
            if (error != null) {
                mine.completeExceptionally(new RerankException(ErrorKind.UNHEALTHY,
                        "Reloading the model after idling failed: " + error.getMessage(), 0, error));
            } else {
                reloadsAfterIdle.incrementAndGet();
                mine.complete(loaded);
            }
        });
        return mine;
    }

    /** Times a request found the model released for idleness and waited for it to load again. */
    public int reloadsAfterIdle() {
        return reloadsAfterIdle.get();
    }

    public ServiceState state() {
        return state;
    }

    public Optional<ServingModel> model() {
        return Optional.ofNullable(model);
    }

    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Epoch milliseconds when the served model was swapped in; 0 before. */
    public long loadedAt() {
        return loadedAt;
    }

    /** What loading is doing now (e.g. a download's progress), for the startup probe's details. */
    public Optional<String> loadingDetail() {
        return state == ServiceState.LOADING ? Optional.ofNullable(loadingDetail) : Optional.empty();
    }

    public void loadingDetail(String detail) {
        loadingDetail = detail;
    }

    /** {@link System#nanoTime()} of the last request. */
    public long lastUsedNanos() {
        return lastUsedNanos;
    }

    /** Files are being fetched or the session created; the started probe is DOWN. */
    public void loading() {
        if (model == null) {
            state = ServiceState.LOADING;
        }
    }

    /** Loaded and warming up: requests are not taken yet. */
    public void warming() {
        if (model == null) {
            state = ServiceState.WARMING;
        }
        loadingDetail = null;
    }

    /** Serves {@code loaded} from now on; returns the model it replaces, for its owner to retire and close. */
    public ServingModel serve(ServingModel loaded) {
        ServingModel previous = model;
        model = loaded;
        reloader = null;
        accepting = true;
        failure = null;
        loadedAt = System.currentTimeMillis();
        state = ServiceState.READY;
        return previous;
    }

    /** Readiness DOWN; requests are still taken until {@link #stopAccepting()}. */
    public void draining() {
        state = ServiceState.DRAINING;
    }

    /** New requests get 503 from now on. */
    public void stopAccepting() {
        accepting = false;
    }

    /** No model any more; returns the one removed, for its owner to retire and close. */
    public ServingModel unload(ServiceState next) {
        ServingModel previous = model;
        model = null;
        reloader = null;
        accepting = next != ServiceState.DRAINING && next != ServiceState.UNLOADED;
        state = next;
        return previous;
    }

    /**
     * Releases the model for idleness: readiness stays UP and the next request calls {@code reload}
     * (once, however many requests wait) and proceeds with what it loads.
     */
    public ServingModel idle(Supplier<CompletableFuture<ServingModel>> reload) {
        ServingModel previous = model;
        reloader = reload;
        model = null;
        state = ServiceState.IDLE;
        return previous;
    }

    public void failed(String message) {
        failure = message;
        state = ServiceState.FAILED;
    }

    private String unavailableMessage() {
        return switch (state) {
            case LOADING, WARMING -> "Model is loading; retry when /health answers 200";
            case DRAINING -> "The service is shutting down or unloading its model";
            case UNLOADED -> "No model is loaded (POST /admin/model/load loads one)";
            case FAILED -> "Model failed to load: " + failure;
            case READY, IDLE -> "The service is shutting down";
        };
    }
}
