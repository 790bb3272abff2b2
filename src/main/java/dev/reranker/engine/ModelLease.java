package dev.reranker.engine;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's hold on the model it uses: while any lease is held the model is not closed (see
 * {@link InFlight#retire}). Released once, by whoever owns it, however often it is asked to.
 */
final class ModelLease {

    private final ServingModel model;
    private final AtomicBoolean released = new AtomicBoolean();

    ModelLease(ServingModel model) {
        this.model = model;
    }

    public ServingModel model() {
        return model;
    }

    public void release() {
        if (released.compareAndSet(false, true)) {
            model.inFlight().exit();
        }
    }
}
