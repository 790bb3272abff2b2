package dev.reranker.engine;

/** Where the served model is in its life. */
public enum ServiceState {
    /** Reading files and creating the session; started probe DOWN. */
    LOADING,
    /** Loaded, warm-up inference running; started UP, ready DOWN. */
    WARMING,
    /** Serving. */
    READY,
    /**
     * Session closed after reranker.idle-unload without requests; still ready: the next request loads it
     * again and waits for it.
     */
    IDLE,
    /** Finishing accepted work before shutdown or unload; ready DOWN. */
    DRAINING,
    /** No model loaded on purpose. */
    UNLOADED,
    /** Loading failed. */
    FAILED;

    /** States in which requests are taken (possibly after a reload). */
    public boolean serves() {
        return this == READY || this == IDLE;
    }
}
