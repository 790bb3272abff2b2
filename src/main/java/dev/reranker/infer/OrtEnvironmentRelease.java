package dev.reranker.infer;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import org.jboss.logging.Logger;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;

/**
 * ONNX Runtime's Java binding releases its native environment in a JVM shutdown hook of its own. JVM
 * hooks run concurrently, so on SIGTERM that release races the drain running in Quarkus's hook: batches
 * still computing fail with "Attempt to use DefaultLogger but none has been registered" (seen in
 * bench/drain.sh). This class takes that hook out of the JVM's list when the environment is created and
 * runs it after the drain instead.
 *
 * <p>
 * The JVM keeps its hooks in a private field of {@code java.lang.ApplicationShutdownHooks}; reading it
 * needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}, which the packaged jar's manifest carries
 * (Quarkus puts it there for its own extensions).
 * Without it the hook stays where it is, with one WARN line.
 */
public final class OrtEnvironmentRelease {

    private static final Logger LOG = Logger.getLogger(OrtEnvironmentRelease.class);
    private static final List<Thread> DEFERRED = new ArrayList<>();
    private static OrtEnvironment environment;

    private OrtEnvironmentRelease() {
    }

    /** The process-wide environment; when {@code deferRelease}, its release waits for {@link #releaseNow()}. */
    static synchronized OrtEnvironment environment(boolean deferRelease) {
        if (environment != null) {
            return environment;
        }
        Set<Thread> before = deferRelease ? hooks() : null;
        environment = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "reranker");
        if (before != null) {
            Set<Thread> after = hooks();
            if (after != null) {
                for (Thread hook : after) {
                    if (!before.contains(hook) && Runtime.getRuntime().removeShutdownHook(hook)) {
                        DEFERRED.add(hook);
                    }
                }
            }
        }
        return environment;
    }

    /** Releases the native environment now, once every session is closed; only where the release was deferred. */
    @SuppressWarnings("DoNotCall") // the hook's work, on purpose on this thread: the drain is over, the JVM is exiting
    public static synchronized void releaseNow() {
        for (Thread hook : DEFERRED) {
            hook.run();
        }
        if (!DEFERRED.isEmpty()) {
            LOG.info("Released the ONNX Runtime environment");
        }
        DEFERRED.clear();
    }

    @SuppressWarnings("unchecked")
    private static Set<Thread> hooks() {
        try {
            Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = hooks.getDeclaredField("hooks");
            field.setAccessible(true);
            synchronized (hooks) {
                // The JVM keeps its hooks in an IdentityHashMap; a copy is taken under the JVM's own lock.
                IdentityHashMap<Thread, Thread> map = (IdentityHashMap<Thread, Thread>) field.get(null);
                return new IdentityHashMap<>(map).keySet();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("Cannot defer ONNX Runtime's shutdown hook (%s): on SIGTERM it may release the runtime"
                    + " while accepted requests are still computing. Run with"
                    + " --add-opens java.base/java.lang=ALL-UNNAMED (the packaged jar's manifest has it).",
                    e.getMessage());
            return null;
        }
    }
}
