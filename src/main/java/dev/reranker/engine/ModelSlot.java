package dev.reranker.engine;

import java.util.Optional;

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
    private volatile String loadingDetail;

    /** The model for a new request. */
    public ServingModel acquire() {
        ServingModel current = model;
        if (current == null || !accepting) {
            throw new RerankException(ErrorKind.UNHEALTHY, unavailableMessage());
        }
        return current;
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

    /** What loading is doing now (e.g. a download's progress), for the startup probe's details. */
    public Optional<String> loadingDetail() {
        return state == ServiceState.LOADING ? Optional.ofNullable(loadingDetail) : Optional.empty();
    }

    public void loadingDetail(String detail) {
        loadingDetail = detail;
    }

    /** Loaded and warming up: requests are not taken yet. */
    public void warming() {
        state = ServiceState.WARMING;
        loadingDetail = null;
    }

    /** Serves {@code loaded} from now on; returns the model it replaces, for its owner to close. */
    public ServingModel serve(ServingModel loaded) {
        ServingModel previous = model;
        model = loaded;
        accepting = true;
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

    /** No model any more; returns the one removed, for its owner to close. */
    public ServingModel unload(ServiceState next) {
        ServingModel previous = model;
        model = null;
        accepting = false;
        state = next;
        return previous;
    }

    public void failed(String message) {
        failure = message;
        state = ServiceState.FAILED;
    }

    private String unavailableMessage() {
        return switch (state) {
            case LOADING, WARMING -> "Model is loading; retry when /health answers 200";
            case DRAINING -> "The service is shutting down";
            case UNLOADED -> "No model is loaded";
            case FAILED -> "Model failed to load: " + failure;
            case READY -> "The service is not accepting requests";
        };
    }
}
