package dev.reranker.engine;

import java.util.Optional;

/**
 * Loading and unloading the served model on request: implemented by the lifecycle room, exposed by the admin API.
 */
public interface ModelAdministration {

    /** What is served and in which state. */
    ModelStatus status();

    /**
     * Loads a model (the configured one when both are empty), warms it up and swaps it in; the previous one keeps
     * serving meanwhile and is drained and closed afterwards.
     *
     * @throws ServiceException {@link ErrorKind#LOAD_FAILED} when the new model cannot be served (the old one stays),
     *         {@link ErrorKind#BUSY} when another load or unload is in progress
     */
    ModelStatus load(Optional<String> path, Optional<String> file);

    /**
     * Readiness DOWN, drain, close the session.
     *
     * @throws ServiceException {@link ErrorKind#BUSY} when another load or unload is in progress
     */
    ModelStatus unload();
}
