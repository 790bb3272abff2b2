package dev.reranker.lifecycle;

import java.util.concurrent.ThreadFactory;

/** Daemon threads with names that say what they do, for thread dumps and logs. */
final class LifecycleThreads {

    private LifecycleThreads() {
    }

    static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
