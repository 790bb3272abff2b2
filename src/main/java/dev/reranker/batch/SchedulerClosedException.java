package dev.reranker.batch;

/** The scheduler stopped accepting work (shutdown or unload). */
public class SchedulerClosedException extends RuntimeException {

    public SchedulerClosedException(String message) {
        super(message);
    }
}
