package dev.reranker.lifecycle;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.reranker.batch.BatchScheduler;
import dev.reranker.config.RerankerConfig;
import dev.reranker.engine.ModelDescriptor;
import dev.reranker.engine.ModelSlot;
import dev.reranker.engine.ServiceState;
import dev.reranker.model.ModelFiles;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.Startup;

/**
 * The model's lifetime is the container's: loaded once at startup (off the startup thread, so the
 * HTTP server and its probes answer meanwhile), warmed up before readiness turns UP, drained and
 * closed when the application stops.
 */
@Startup
@ApplicationScoped
public class ModelLifecycle {

    private static final Logger LOG = Logger.getLogger(ModelLifecycle.class);
    private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(25);

    private final RerankerConfig config;
    private final ModelLoader loader;
    private final ModelSlot slot;
    private final BatchScheduler scheduler;
    private final AtomicReference<LoadedModel> loaded = new AtomicReference<>();

    @Inject
    public ModelLifecycle(RerankerConfig config, ModelLoader loader, ModelSlot slot, BatchScheduler scheduler) {
        this.config = config;
        this.loader = loader;
        this.slot = slot;
        this.scheduler = scheduler;
    }

    @PostConstruct
    void start() {
        Thread thread = new Thread(this::loadAtStartup, "reranker-model-loader");
        thread.setDaemon(true);
        thread.start();
    }

    private void loadAtStartup() {
        try {
            ModelFiles files = loader.resolve(Optional.empty(), Optional.empty(), slot::loadingDetail);
            if (files.demo()) {
                LOG.warnf("No reranker.model.path or reranker.model.id configured: serving the embedded demo model"
                        + " %s, a 2.5 MB toy cross-encoder trained for seconds whose scores mean nothing. To serve"
                        + " bge-reranker-v2-m3, start with RERANKER_MODEL_ID set to a Hub repository holding an ONNX"
                        + " export of it, or export it with `optimum-cli export onnx --model BAAI/bge-reranker-v2-m3"
                        + " --task text-classification /models/bge-reranker-v2-m3` and start with"
                        + " RERANKER_MODEL_PATH=/models/bge-reranker-v2-m3 (RERANKER_MAX_LENGTH up to 8192).",
                        files.name());
            }
            slot.loadingDetail("Loading " + files.onnxFile());
            LoadedModel model = loader.load(files);
            slot.warming();
            loaded.set(model);
            slot.serve(model.serving());
            ModelDescriptor d = model.serving().descriptor();
            LOG.infof("Model %s ready on %s in %d ms (%s, max-length %d, truncation %s)", d.name(), d.device(),
                    d.loadMillis(), d.onnxFile(), d.maxLength(), config.truncation().name().toLowerCase());
        } catch (RuntimeException e) {
            slot.failed(e.getMessage());
            LOG.errorf("Cannot serve the model: %s", e.getMessage());
            LOG.debug("Model load failure", e);
            Quarkus.asyncExit(1);
        }
    }

    @PreDestroy
    void stop() {
        if (slot.state() == ServiceState.READY) {
            slot.draining();
        }
        slot.stopAccepting();
        boolean clean = scheduler.drain(DRAIN_NANOS);
        LoadedModel model = loaded.getAndSet(null);
        slot.unload(ServiceState.UNLOADED);
        if (model != null) {
            model.close();
            LOG.infof("Closed the ONNX Runtime session and tokenizer of %s%s", model.serving().descriptor().name(),
                    clean ? "" : " (drain timed out)");
        }
    }
}
