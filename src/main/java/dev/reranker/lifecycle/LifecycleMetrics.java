package dev.reranker.lifecycle;

import java.lang.management.ManagementFactory;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * What the lifecycle reports to Prometheus: model loads, time to first readiness, resident memory. A load is a fact
 * that happens once in minutes or hours, so its time is a gauge (the last load) beside a counter of loads: a timer's
 * {@code _max} forgets it within minutes and a dashboard would read 0.
 */
@Singleton
class LifecycleMetrics {

    private final Counter loads;
    private volatile double lastLoadSeconds = Double.NaN;
    private volatile double timeToReadySeconds = Double.NaN;

    public LifecycleMetrics(MeterRegistry registry) {
        loads = Counter.builder("reranker.model.loads")
                .description("Model loads with their warm-up inference (startup, reload after idle, admin load)")
                .register(registry);
        Gauge.builder("reranker.model.load", this, m -> m.lastLoadSeconds).baseUnit("seconds")
                .description("Time the last model load and its warm-up inference took (NaN before the first)")
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
        lastLoadSeconds = millis / 1000.0;
        loads.increment();
        if (Double.isNaN(timeToReadySeconds)) {
            timeToReadySeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
        }
    }
}
