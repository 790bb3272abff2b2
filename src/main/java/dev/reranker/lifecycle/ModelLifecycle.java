package dev.reranker.lifecycle;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.ErrorKind;
import dev.reranker.engine.ModelAdministration;
import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ModelState;
import dev.reranker.engine.ModelStatus;
import dev.reranker.engine.Reranker;
import dev.reranker.engine.ServiceException;
import dev.reranker.engine.ServiceState;
import dev.reranker.engine.ServingModel;
import dev.reranker.infer.OrtEnvironmentRelease;
import dev.reranker.model.ModelFiles;
import dev.reranker.model.ModelLoadException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.Startup;

/**
 * The model's lifetime is the container's: loaded once at startup (off the startup thread, so the
 * HTTP server and its probes answer meanwhile), warmed up before readiness turns UP, swapped or
 * unloaded on request, released when idle if configured, drained and closed when the process stops.
 */
@Startup
@ApplicationScoped
class ModelLifecycle implements ModelAdministration {

    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);

    private final RerankerConfig config;
    private final ModelLoader loader;
    private final ModelSlot slot;
    private final BatchScheduler scheduler;
    private final Reranker reranker;
    private final LifecycleMetrics metrics;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final ReentrantLock administration = new ReentrantLock();
    private final ExecutorService loaderThread = Executors.newSingleThreadExecutor(
            LifecycleThreads.named("reranker-model-loader"));
    private final ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
            LifecycleThreads.named("reranker-housekeeping"));
    private volatile ModelFiles files;
    private volatile boolean loadInProgress;
    private volatile String lastError;
    private volatile boolean stopping;
    /** System.nanoTime() by which the whole shutdown (drain and model retirement) ends; 0 until it began. */
    private volatile long shutdownDeadline;
    /** Null where the C library has no malloc_trim. */
    private final NativeHeapTrimmer trimmer;

    @Inject
    ModelLifecycle(RerankerConfig config, ModelLoader loader, ModelSlot slot, BatchScheduler scheduler,
            Reranker reranker, LifecycleMetrics metrics) {
        this.config = config;
        this.loader = loader;
        this.trimmer = NativeHeapTrimmer.create();
        this.slot = slot;
        this.scheduler = scheduler;
        this.reranker = reranker;
        this.metrics = metrics;
    }

    @PostConstruct
    @SuppressWarnings("FutureReturnValueIgnored") // periodic tasks that catch nothing; stopped by shutdownNow
    void start() {
        StopSignal.install();
        Duration needed = config.requestTimeout().plus(config.shutdown().preStopDelay()).plusSeconds(1);
        if (config.shutdown().drainTimeout().compareTo(needed) < 0) {
            LOG.warnf("reranker.shutdown.drain-timeout (%s) is shorter than request-timeout + pre-stop-delay + 1 s"
                    + " (%s): on SIGTERM, requests accepted just before it may be answered 503 instead of finished",
                    config.shutdown().drainTimeout(), needed);
        }
        loaderThread.execute(this::loadAtStartup);
        config.idleUnload().ifPresent(idle -> {
            long every = Math.max(100, Math.min(idle.toMillis() / 4, 30_000));
            housekeeping.scheduleWithFixedDelay(this::releaseIfIdle, every, every, TimeUnit.MILLISECONDS);
        });
        config.memory().trimInterval().ifPresent(interval -> {
            if (trimmer != null) {
                long every = Math.max(1, interval.toMillis());
                housekeeping.scheduleWithFixedDelay(trimmer::trim, every, every, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void loadAtStartup() {
        try {
            slot.loading(null);
            ModelFiles resolved = loader.resolve(slot::loadingDetail);
            if (resolved.demo()) {
                LOG.warnf("No reranker.model.path or reranker.model.id configured: serving the embedded demo model"
                        + " %s, a 2.5 MB toy cross-encoder trained for seconds whose scores mean nothing. To serve"
                        + " bge-reranker-v2-m3, start with RERANKER_MODEL_ID=BAAI/bge-reranker-v2-m3, or with"
                        + " RERANKER_MODEL_PATH set to a directory holding it (safetensors or an ONNX export;"
                        + " RERANKER_MAX_LENGTH up to 8192).",
                        resolved.name());
            }
            slot.loadingDetail("Loading " + resolved.onnxFile());
            slot.warming();
            install(resolved, loader.load(resolved));
        } catch (RuntimeException e) {
            lastError = e.getMessage();
            slot.failed(e.getMessage());
            LOG.errorf("Cannot serve the model: %s", e.getMessage());
            LOG.debug("Model load failure", e);
            Quarkus.asyncExit(1);
        }
    }

    /** Makes {@code model} the served one; the one it replaces is drained and closed. */
    private void install(ModelFiles from, LoadedModel model) {
        files = from;
        LoadedModel previous = current.getAndSet(model);
        ModelDescriptor d = model.serving().descriptor();
        // A new model (or the same one reloaded, on another precision or after idling) has its own speed.
        scheduler.calibrate(model.serving().runner(), d.warmUpSecondsPerToken());
        slot.serve(model.serving());
        metrics.modelLoaded(d.loadMillis());
        LOG.infof("Model %s ready on %s in %d ms (%s, precision %s, max-length %d, truncation %s)", d.name(),
                d.device(), d.loadMillis(), d.onnxFile(), d.precision(), d.maxLength(),
                config.truncation().name().toLowerCase(Locale.ROOT));
        if (previous != null) {
            retireAndClose(previous, "replaced", System.nanoTime() + drainNanos());
        }
    }

    /**
     * Waits until {@code deadline} (System.nanoTime()) for the requests still using {@code model}, then closes every
     * native object it holds.
     */
    private void retireAndClose(LoadedModel model, String why, long deadline) {
        String name = model.serving().descriptor().name();
        boolean drained;
        try {
            drained = model.serving().inFlight().retire(Math.max(0, deadline - System.nanoTime()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        long before = ProcessMemory.rssBytes();
        model.close();
        // The session's weights went back to malloc, which keeps them in its arenas; hand them to the OS.
        if (trimmer != null) {
            trimmer.trim();
        }
        long after = ProcessMemory.rssBytes();
        LOG.infof("Released model %s (%s): closed its ONNX Runtime session and tokenizer%s; RSS %s -> %s", name, why,
                drained ? "" : " before its last requests finished (drain timed out)", ProcessMemory.mb(before),
                ProcessMemory.mb(after));
    }

    private long drainNanos() {
        return config.shutdown().drainTimeout().toNanos();
    }

    @Override
    public ModelStatus status() {
        ModelState now = slot.snapshot();
        return new ModelStatus(now.state().name().toLowerCase(Locale.ROOT), loadInProgress,
                now.served().map(ServingModel::descriptor), now.loadedAt(), Optional.ofNullable(lastError));
    }

    @Override
    public ModelStatus load(Optional<String> path, Optional<String> file) {
        if (!administration.tryLock()) {
            throw busy();
        }
        try {
            if (stopping) {
                throw new ServiceException(ErrorKind.BUSY, "The service is shutting down");
            }
            loadInProgress = true;
            ModelFiles target;
            LoadedModel model;
            try {
                target = target(path, file);
                slot.loading(null);
                model = loader.load(target);
            } catch (ModelLoadException e) {
                lastError = e.getMessage();
                ModelState now = slot.snapshot();
                LOG.warnf("Loading a model failed; %s: %s",
                        now.model() != null ? "the current model keeps serving" : "no model is served", e.getMessage());
                if (now.model() == null && now.state() == ServiceState.LOADING) {
                    slot.unload(ServiceState.UNLOADED);
                }
                throw new ServiceException(ErrorKind.LOAD_FAILED,
                        "Model not loaded; the previous state is unchanged: " + e.getMessage(), 0, e);
            }
            lastError = null;
            install(target, model);
            // The answer describes the state the load left behind, not the load itself.
            loadInProgress = false;
            return status();
        } finally {
            loadInProgress = false;
            administration.unlock();
        }
    }

    /**
     * What a load without a body reloads (the model last served, else the configured one); a path names
     * another directory (its default ONNX file unless one is named); a file alone picks another variant of
     * the configured directory.
     */
    private ModelFiles target(Optional<String> path, Optional<String> file) {
        if (path.isPresent()) {
            return loader.resolveLocal(path.get(), file);
        }
        Optional<String> configured = config.model().path().filter(p -> !p.isBlank());
        if (file.isPresent()) {
            return loader.resolveLocal(configured.orElseThrow(() -> new ModelLoadException(
                    "a file alone names a variant of reranker.model.path, which is not set; send a path too")), file);
        }
        return files != null && !files.demo() ? files : loader.resolve();
    }

    @Override
    public ModelStatus unload() {
        if (!administration.tryLock()) {
            throw busy();
        }
        try {
            LoadedModel model = current.getAndSet(null);
            slot.unload(ServiceState.DRAINING);
            scheduler.forgetThroughput();
            if (model != null) {
                retireAndClose(model, "unloaded on request", System.nanoTime() + drainNanos());
            }
            slot.unload(ServiceState.UNLOADED);
            return status();
        } finally {
            administration.unlock();
        }
    }

    /** After reranker.idle-unload without requests, closes the session; the next request loads it again. */
    void releaseIfIdle() {
        Duration idle = config.idleUnload().orElse(null);
        LoadedModel model = current.get();
        if (idle == null || model == null || stopping || slot.snapshot().state() != ServiceState.READY
                || System.nanoTime() - slot.lastUsedNanos() < idle.toNanos() || model.serving().inFlight().active() > 0
                || scheduler.admittedPairs() > 0 || !administration.tryLock()) {
            return;
        }
        try {
            if (current.compareAndSet(model, null)) {
                slot.idle(this::reloadAfterIdle);
                scheduler.forgetThroughput();
                retireAndClose(model, "idle for " + idle, System.nanoTime() + drainNanos());
            }
        } finally {
            administration.unlock();
        }
    }

    private CompletableFuture<ServingModel> reloadAfterIdle() {
        return CompletableFuture.supplyAsync(() -> {
            administration.lock();
            try {
                // The demo model's unpacked copy went with its session: unpack it again.
                ModelFiles target = files.demo() ? loader.resolve() : files;
                LOG.infof("A request arrived after idling: loading %s again", target.location());
                LoadedModel model = loader.load(target);
                install(target, model);
                return model.serving();
            } finally {
                administration.unlock();
            }
        }, loaderThread);
    }

    /**
     * Every stop (Quarkus's shutdown delay): readiness DOWN at once; after a SIGTERM while serving, requests still
     * taken for the pre-stop delay while the platform stops routing; then new ones refused with 503 and the accepted
     * ones finished. A failed start or Ctrl-C skips the delay: nobody routes traffic there.
     */
    void onShutdownSignal(@Observes ShutdownDelayInitiatedEvent event) {
        stopping = true;
        long deadline = shutdownDeadline();
        StopSignal.Cause cause = StopSignal.cause();
        Duration preStop = preStopDelay(cause, StopSignal.recorded());
        readinessDown();
        LOG.infof("Shutting down (%s): readiness DOWN; taking requests for %d ms more, then finishing %d queued pairs",
                switch (cause) {
                    case TERM -> "SIGTERM";
                    case INT -> "SIGINT";
                    case NONE -> "no signal";
                }, preStop.toMillis(), scheduler.admittedPairs());
        sleep(Math.min(preStop.toNanos(), deadline - System.nanoTime()));
        refuseNewRequests();
        boolean drained = finishAccepted(deadline);
        LOG.infof(drained ? "Every accepted request was answered"
                : "Drain timeout reached: the requests still unanswered were answered 503");
    }

    /** How long a stop for {@code cause} keeps taking requests, given the model's state now. */
    Duration preStopDelay(StopSignal.Cause cause, boolean recorded) {
        ServiceState state = slot.snapshot().state();
        boolean serving = state == ServiceState.READY || state == ServiceState.IDLE;
        return StopSignal.platformMayStillRoute(cause, recorded, serving) ? config.shutdown().preStopDelay()
                : Duration.ZERO;
    }

    /**
     * The one deadline of the whole shutdown, fixed when it begins (SIGTERM, or the application stopping without
     * one): the drain, the answers to what is left, and the model's retirement all fit in one drain-timeout.
     */
    private synchronized long shutdownDeadline() {
        if (shutdownDeadline == 0) {
            shutdownDeadline = System.nanoTime() + drainNanos();
            // Requests taken from now on must be computed before the drain ends, not merely within their timeout.
            scheduler.closesAt(shutdownDeadline);
        }
        return shutdownDeadline;
    }

    /**
     * Lets the queue finish until a little before {@code deadline}; then every request still unanswered gets 503
     * {@code unhealthy} (its queued pairs are dropped), so that the HTTP server writes an answer to each before it
     * closes. The margin leaves the running batch and the answers' writing their time.
     *
     * @return true when everything accepted was answered with its scores
     */
    private boolean finishAccepted(long deadline) {
        long margin = Math.min(ANSWER_MARGIN_NANOS, drainNanos() / 10);
        boolean drained = scheduler.drain(Math.max(0, deadline - margin - System.nanoTime()));
        int answered = reranker.answerRemaining("The service is shutting down: this request was not finished within"
                + " reranker.shutdown.drain-timeout; retry on another instance");
        if (answered > 0) {
            LOG.warnf("Shutting down: %d accepted requests were not finished in time and were answered 503", answered);
        }
        return drained && answered == 0;
    }

    /** Time kept at the end of the drain to answer what is left and retire the model. */
    private static final long ANSWER_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** The first phase of a drain: readiness DOWN, requests still taken while the platform stops routing. */
    void readinessDown() {
        slot.draining();
    }

    /** The second phase: new requests get 503 {@code unhealthy}; accepted ones are finished. */
    void refuseNewRequests() {
        slot.stopAccepting();
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (slot.snapshot().state() != ServiceState.FAILED) {
            readinessDown();
        }
        refuseNewRequests();
        // The same deadline as the drain that began at SIGTERM, if one did: never a fresh drain-timeout.
        long deadline = shutdownDeadline();
        finishAccepted(deadline);
        housekeeping.shutdownNow();
        loaderThread.shutdownNow();
        LoadedModel model = current.getAndSet(null);
        slot.unload(ServiceState.UNLOADED);
        if (model != null) {
            retireAndClose(model, "shutdown", deadline);
        }
        OrtEnvironmentRelease.releaseNow();
    }

    private static ServiceException busy() {
        return new ServiceException(ErrorKind.BUSY, "Another load or unload is in progress; try again when it is done");
    }

    private static void sleep(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
