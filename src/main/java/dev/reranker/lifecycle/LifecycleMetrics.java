package dev.reranker.lifecycle;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/** What the lifecycle reports to Prometheus: model load times, time to first readiness, resident memory. */
@Singleton
class LifecycleMetrics {

    private final Timer loads;
    private volatile double timeToReadySeconds = Double.NaN;

    public LifecycleMetrics(MeterRegistry registry) {
        loads = Timer.builder("reranker.model.load")
                .description(
                        "Time to load a model and run its warm-up inference (startup, reload after idle, admin load)")
                .register(registry);
        Gauge.builder("reranker.time.to.ready", this, m -> m.timeToReadySeconds).baseUnit("seconds")
                .description("From JVM start to the first model ready to serve (NaN until then)").register(registry);
        Gauge.builder("process.resident.memory", ProcessMemory::rssBytes).baseUnit(BaseUnits.BYTES)
                .description(
                        "Resident set size of the process (VmRSS): JVM heap, native ONNX Runtime memory, everything"
                                + " a container memory limit counts")
                .register(registry);
    }

    void modelLoaded(long millis) {
        loads.record(millis, TimeUnit.MILLISECONDS);
        if (Double.isNaN(timeToReadySeconds)) {
            timeToReadySeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        }
    }
}
