package dev.reranker.lifecycle;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * Which signal asked the process to stop. A platform stops a pod with SIGTERM and keeps routing to it until its
 * endpoints are updated: that is what the pre-stop delay is for. Ctrl-C in a terminal is SIGINT, and a failed
 * start ends through {@code Quarkus.asyncExit} with no signal at all: nobody routes traffic there, so waiting
 * would only delay the exit.
 *
 * <p>
 * The JVM turns both signals into the same shutdown hooks, so the signal is recorded by handlers installed in front
 * of the JVM's own, which they then call: the process still exits as before (143 after SIGTERM, 130 after SIGINT).
 * {@code sun.misc.Signal} is reached by reflection: javac warns on every use of it, and the build turns warnings
 * into errors. Where it cannot be installed (a JVM started with {@code -Xrs}, a signal the parent process ignores)
 * nothing changes and {@link #recorded()} stays false.
 */
final class StopSignal {

    /** What stopped the process, as far as this class can tell. */
    enum Cause {
        /** SIGTERM: the platform's stop; it may still route requests here for a moment. */
        TERM,
        /** SIGINT: Ctrl-C in a terminal. */
        INT,
        /** No signal recorded: the application asked to exit (a failed start, a test), or nothing is known. */
        NONE
    }

    private static final Logger LOG = Logger.getLogger(StopSignal.class);
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static volatile boolean recording;
    private static volatile Cause cause = Cause.NONE;

    private StopSignal() {
    }

    /** Installs the recording handlers once per process; later calls do nothing. */
    static void install() {
        if (!INSTALLED.compareAndSet(false, true)) {
            return;
        }
        try {
            recording = record("TERM", Cause.TERM);
            record("INT", Cause.INT);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debugf("Cannot tell SIGTERM from SIGINT (%s): the pre-stop delay applies to every stop while serving",
                    e);
        }
    }

    /**
     * Whether a stop should keep taking requests for the pre-stop delay: only when the platform may still route
     * traffic here, i.e. a SIGTERM while the model is served. When SIGTERM cannot be recorded, every stop while
     * serving waits, as a platform needs.
     */
    static boolean platformMayStillRoute(Cause cause, boolean recorded, boolean serving) {
        return serving && (cause == Cause.TERM || (!recorded && cause == Cause.NONE));
    }

    /**
     * True when SIGTERM is recorded, so that {@link #cause()} is {@link Cause#NONE} only when it did not come. (An
     * ignored SIGINT cannot stop the process, so not recording it loses nothing.)
     */
    static boolean recorded() {
        return recording;
    }

    static Cause cause() {
        return cause;
    }

    private static boolean record(String name, Cause as) throws ReflectiveOperationException {
        Class<?> signalType = Class.forName("sun.misc.Signal");
        Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
        Object signal = signalType.getConstructor(String.class).newInstance(name);
        Method handle = signalType.getMethod("handle", signalType, handlerType);
        Method handlerHandle = handlerType.getMethod("handle", signalType);
        Object ignored = handlerType.getField("SIG_IGN").get(null);
        Object systemDefault = handlerType.getField("SIG_DFL").get(null);
        Object[] previous = new Object[1];
        InvocationHandler recorder = (proxy, method, args) -> {
            switch (method.getName()) {
                case "handle" -> {
                    cause = as;
                    handlerHandle.invoke(previous[0], args[0]);
                    return null;
                }
                case "hashCode" -> {
                    return System.identityHashCode(proxy);
                }
                case "equals" -> {
                    return proxy == args[0];
                }
                default -> {
                    return "StopSignal(" + name + ")";
                }
            }
        };
        Object handler = Proxy.newProxyInstance(StopSignal.class.getClassLoader(), new Class<?>[] { handlerType },
                recorder);
        previous[0] = handle.invoke(null, signal, handler);
        if (previous[0] == ignored || previous[0] == systemDefault) {
            // Not the JVM's handler: a signal ignored by the parent (a background job's SIGINT), or -Xrs. Put back.
            handle.invoke(null, signal, previous[0]);
            return false;
        }
        return true;
    }
}
