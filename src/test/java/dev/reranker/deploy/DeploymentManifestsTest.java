package dev.reranker.deploy;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.reranker.config.RerankerConfig;
import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Reads every manifest under deploy/ (and Dockerfile.jvm) and checks it against the application, so that a renamed
 * setting, a moved probe or a shortened drain cannot leave the manifests silently wrong: probe paths answer on the
 * running application, ports agree, every RERANKER_* variable is a setting of {@link RerankerConfig}, the grace
 * period outlasts the drain, the Knative concurrency fits the pair queue, selectors and references resolve, and every
 * metric the Grafana dashboard and the autoscaler use is exported.
 */
@QuarkusTest
class DeploymentManifestsTest {

    private static final Path DEPLOY = Path.of("deploy");
    private static final String OUR_IMAGE = "reranker-service";
    /**
     * Variables the service or its image reads that are not reranker.* settings: QUARKUS_* (Quarkus settings), the
     * variables RerankerConfig's defaults read (HF_HUB_CACHE, HF_TOKEN, ... derived below, not listed here), and these.
     */
    private static final Set<String> OTHER_VARIABLES = Set.of(
            "JAVA_OPTS", "JAVA_OPTS_APPEND", "JAVA_TOOL_OPTIONS", // deploy/container/run.sh, the JVM
            "MALLOC_ARENA_MAX", // glibc: fewer malloc arenas, less RSS growth
            "DJL_CACHE_DIR", "RUST_LIBRARY_PATH", // DJL: where libtokenizers.so is
            "HOME", // user.home: the default of reranker.cache-dir falls back to it
            "JAVA_HOME", "PATH", "LANG", "TZ");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ConfigNames SETTINGS = ConfigNames.of(RerankerConfig.class);
    private static List<Manifest> manifests;
    private static Properties application;

    record Manifest(Path file, JsonNode doc) {
        String kind() {
            return doc.path("kind").asText();
        }

        String name() {
            return doc.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + " " + kind() + "/" + name();
        }
    }

    @BeforeAll
    static void read() throws IOException {
        manifests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList()) {
                try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    while (docs.hasNext()) {
                        JsonNode doc = docs.next();
                        if (doc != null && !doc.isEmpty()) {
                            manifests.add(new Manifest(file, doc));
                        }
                    }
                }
            }
        }
        application = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            application.load(in);
        }
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void theManifestsAreThere() {
        Set<String> kinds = new TreeSet<>();
        manifests.forEach(m -> kinds.add(m.file().getParent().getFileName() + ":" + m.kind()));
        for (String expected : List.of("knative:Service", "kubernetes:Deployment", "kubernetes:Service",
                "kubernetes:PodDisruptionBudget", "kubernetes:HorizontalPodAutoscaler",
                "kubernetes:PersistentVolumeClaim")) {
            assertTrue(kinds.contains(expected), "deploy/ has no " + expected + "; found " + kinds);
        }
    }

    /**
     * The probes go to the management interface (their own listener, outside the service port's connection limit),
     * except where the platform routes one port only (Knative): there the container turns on
     * reranker.probes-on-service-port and probes the service port (ProbesOnServicePortTest checks that they answer
     * there with that setting).
     */
    @Test
    void probesAnswerOnTheRunningApplicationAtTheContainerPort() {
        int appPort = Integer.parseInt(application.getProperty("quarkus.http.port"));
        int managementPort = Integer.parseInt(application.getProperty("quarkus.management.port"));
        int probes = 0;
        int onManagement = 0;
        for (Manifest m : manifests) {
            for (JsonNode container : ourContainers(m)) {
                Map<String, Integer> ports = new HashMap<>();
                for (JsonNode port : container.path("ports")) {
                    int number = port.path("containerPort").asInt();
                    assertTrue(number == appPort || number == managementPort,
                            m + ": containerPort " + number
                                    + " is neither quarkus.http.port nor quarkus.management.port");
                    ports.put(port.path("name").asText(), number);
                }
                assertTrue(ports.containsValue(appPort), m + ": the container does not declare the service port");
                boolean onServicePort = Boolean.parseBoolean(setting(container, "reranker.probes-on-service-port"));
                int expected = onServicePort ? appPort : managementPort;
                for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
                    JsonNode get = container.path(probe).path("httpGet");
                    assertFalse(get.isMissingNode(), m + " has no HTTP " + probe);
                    String path = get.path("path").asText();
                    JsonNode port = get.path("port");
                    int resolved = port.isMissingNode() ? appPort
                            : port.isInt() ? port.asInt() : ports.getOrDefault(port.asText(), -1);
                    assertEquals(expected, resolved, m + ": " + probe + " port " + port + " is not "
                            + (onServicePort ? "the service port (probes-on-service-port)" : "the management port"));
                    // The same handlers answer on the service port when the setting is on.
                    int status = Management.given().get(path).statusCode();
                    assertEquals(200, status,
                            m + ": " + probe + " " + path + " answers " + status + " on the ready app");
                    probes++;
                    onManagement += onServicePort ? 0 : 1;
                }
                assertEquals("/q/health/started", container.path("startupProbe").path("httpGet").path("path").asText(),
                        m + ": the startup probe must wait for the model (SmallRye's startup check)");
                assertEquals("/q/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText(),
                        m
                                + ": readiness must be the check that turns DOWN while draining");
                assertEquals("/q/health/live", container.path("livenessProbe").path("httpGet").path("path").asText(), m
                        + ": liveness must be the check that only fails when a restart helps");
                // A startup probe must allow for a download and a load: at least five minutes.
                JsonNode startup = container.path("startupProbe");
                long allowed = (long) startup.path("periodSeconds").asInt(10)
                        * startup.path("failureThreshold").asInt(3);
                assertTrue(allowed >= 300, m + ": the startup probe gives up after " + allowed + " s");
            }
        }
        assertTrue(probes >= 6, "expected probes in the Knative service and the Deployment, checked " + probes);
        assertTrue(onManagement >= 3, "the Deployment probes the management port; checked " + onManagement);
    }

    /** Prometheus scrapes the management port, which the Deployment declares. */
    @Test
    void prometheusScrapesTheManagementPort() {
        String managementPort = application.getProperty("quarkus.management.port");
        Manifest deployment = manifests.stream().filter(m -> m.kind().equals("Deployment")).findFirst().orElseThrow();
        JsonNode annotations = deployment.doc().path("spec").path("template").path("metadata").path("annotations");
        assertEquals(managementPort, annotations.path("prometheus.io/port").asText(), "prometheus.io/port");
        assertEquals("/q/metrics", annotations.path("prometheus.io/path").asText(), "prometheus.io/path");
        boolean declared = false;
        for (JsonNode port : ourContainers(deployment).get(0).path("ports")) {
            declared |= port.path("containerPort").asText().equals(managementPort);
        }
        assertTrue(declared, "the Deployment's container declares no port " + managementPort);
        Management.given().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void everyVariableIsARealSetting() {
        Set<String> readByDefaults = SETTINGS.variablesReadByDefaults();
        assertTrue(readByDefaults.contains("HF_HUB_CACHE") && readByDefaults.contains("HF_TOKEN"),
                "RerankerConfig's defaults no longer read " + readByDefaults);
        List<String> unknown = new ArrayList<>();
        int checked = 0;
        for (Manifest m : manifests) {
            for (JsonNode container : ourContainers(m)) {
                for (JsonNode env : container.path("env")) {
                    checked++;
                    String name = env.path("name").asText();
                    if (!known(name, readByDefaults)) {
                        unknown.add(m + ": " + name);
                    }
                }
            }
        }
        for (String name : dockerfile().env().keySet()) {
            checked++;
            if (!known(name, readByDefaults)) {
                unknown.add("Dockerfile.jvm: " + name);
            }
        }
        assertTrue(checked > 10, "only " + checked + " variables found");
        assertTrue(unknown.isEmpty(), "variables that map to no setting: " + unknown + "; reranker.* settings are "
                + SETTINGS.properties().keySet());
    }

    private static boolean known(String name, Set<String> readByDefaults) {
        if (name.startsWith("RERANKER_")) {
            return SETTINGS.propertyForEnv(name).isPresent();
        }
        return name.startsWith("QUARKUS_") || readByDefaults.contains(name) || OTHER_VARIABLES.contains(name);
    }

    @Test
    void theGracePeriodOutlastsTheDrain() {
        Duration httpShutdown = DurationConverter
                .parseDuration(application.getProperty("quarkus.shutdown.timeout", "0s"));
        int checked = 0;
        for (Manifest m : manifests) {
            JsonNode pod = podSpec(m);
            if (pod == null || ourContainers(m).isEmpty()) {
                continue;
            }
            // Knative sets the pod's termination grace period to the revision's timeoutSeconds (default 300).
            long grace = m.kind().equals("Service") ? pod.path("timeoutSeconds").asLong(300)
                    : pod.path("terminationGracePeriodSeconds").asLong(30);
            for (JsonNode container : ourContainers(m)) {
                Duration drain = duration(setting(container, "reranker.shutdown.drain-timeout"));
                Duration preStop = duration(setting(container, "reranker.shutdown.pre-stop-delay"));
                Duration request = duration(setting(container, "reranker.request-timeout"));
                assertTrue(preStop.compareTo(drain) < 0, m + ": the pre-stop delay must leave time to drain");
                // Every request accepted before SIGTERM (or during the pre-stop delay) ends on its own timeout before
                // the drain does, with a second left to answer what the estimate got wrong.
                assertTrue(drain.compareTo(request.plus(preStop).plusSeconds(1)) >= 0, m + ": drain-timeout " + drain
                        + " < request-timeout " + request + " + pre-stop-delay " + preStop + " + 1 s");
                Duration needed = drain.plus(httpShutdown);
                assertTrue(grace > needed.toSeconds(),
                        m + ": grace period " + grace + " s does not exceed drain-timeout "
                                + drain.toSeconds() + " s + quarkus.shutdown.timeout " + httpShutdown.toSeconds()
                                + " s");
                checked++;
            }
        }
        assertTrue(checked >= 2, "checked " + checked + " pods");
    }

    @Test
    void knativeConcurrencyFitsThePairQueue() {
        Manifest knative = manifests.stream().filter(m -> m.kind().equals("Service")
                && m.doc().path("apiVersion").asText().startsWith("serving.knative.dev")).findFirst().orElseThrow();
        JsonNode template = knative.doc().path("spec").path("template");
        JsonNode annotations = template.path("metadata").path("annotations");
        assertEquals("0", annotations.path("autoscaling.knative.dev/min-scale").asText(), "scale to zero");
        assertTrue(annotations.path("autoscaling.knative.dev/max-scale").asInt() > 0, "max-scale");
        int target = annotations.path("autoscaling.knative.dev/target").asInt();
        int concurrency = template.path("spec").path("containerConcurrency").asInt();
        JsonNode container = ourContainers(knative).get(0);
        int queued = Integer.parseInt(setting(container, "reranker.batch.max-queued-pairs"));
        int perRequest = Integer.parseInt(setting(container, "reranker.max-client-batch-size"));
        int batchPairs = Integer.parseInt(setting(container, "reranker.batch.max-pairs"));
        assertTrue(concurrency > 0, "containerConcurrency must be a hard limit");
        assertTrue((long) concurrency * perRequest <= queued, "containerConcurrency " + concurrency + " x up to "
                + perRequest + " documents per request exceeds max-queued-pairs " + queued
                + ": the pod would answer 429 to requests Knative admitted");
        assertTrue(target > 0 && target <= concurrency, "the soft target must lie below the hard limit");
        assertTrue(batchPairs <= queued, "a batch must fit the queue");
        int maxConcurrent = Integer.parseInt(setting(container, "reranker.max-concurrent-requests"));
        assertTrue(concurrency <= maxConcurrent, "containerConcurrency " + concurrency
                + " exceeds reranker.max-concurrent-requests " + maxConcurrent + ": the pod would answer 429");
        Duration request = duration(setting(container, "reranker.request-timeout"));
        long timeoutSeconds = template.path("spec").path("timeoutSeconds").asLong(300);
        assertTrue(timeoutSeconds >= request.toSeconds(), "Knative's timeoutSeconds " + timeoutSeconds
                + " would cut requests the service still computes (request-timeout " + request + ")");
        int perRequestPairs = Integer.parseInt(setting(container, "reranker.max-pairs-per-request"));
        assertTrue(Math.min(perRequest, perRequestPairs) <= queued, "one request's pairs must fit the queue");
        assertFalse(container.path("resources").path("limits").path("nvidia.com/gpu").isMissingNode(),
                "the Knative service asks for a GPU");
    }

    /**
     * Pairs per second of the full-size bge-reranker-v2-m3 in fp32, per CPU core, pairs of 40 words: measured with
     * bench/admission.py on 2 cores (docs/sizing.md). What the CPU Deployment's numbers are derived from.
     */
    private static final double FULL_SIZE_FP32_PAIRS_PER_CORE_SECOND = 0.75;

    @Test
    void theCpuDeploymentIsSizedByMeasuredThroughput() {
        Manifest cpu = manifests.stream().filter(m -> m.kind().equals("Deployment")).findFirst().orElseThrow();
        JsonNode container = ourContainers(cpu).get(0);
        double cores = Double.parseDouble(container.path("resources").path("requests").path("cpu").asText());
        Duration request = duration(setting(container, "reranker.request-timeout"));
        Duration maxQueuedTime = container.path("env").findValues("name").stream()
                .anyMatch(n -> n.asText().equals("RERANKER_BATCH_MAX_QUEUED_TIME"))
                        ? duration(setting(container, "reranker.batch.max-queued-time"))
                        : request.multipliedBy(4).dividedBy(5);
        // What admission by time can ever let in on this pod: the pair bound is for memory, within a few times that.
        double admissible = maxQueuedTime.toMillis() / 1000.0 * cores * FULL_SIZE_FP32_PAIRS_PER_CORE_SECOND;
        int queued = Integer.parseInt(setting(container, "reranker.batch.max-queued-pairs"));
        int perRequest = Integer.parseInt(setting(container, "reranker.max-pairs-per-request"));
        assertTrue(queued >= admissible && queued <= 4 * admissible, "max-queued-pairs " + queued
                + " is not a memory bound near the " + Math.round(admissible) + " pairs admission by time can take");
        assertTrue(perRequest <= queued, "one request's pairs must fit the queue");
        assertTrue(perRequest / (cores * FULL_SIZE_FP32_PAIRS_PER_CORE_SECOND) <= 1.5 * maxQueuedTime.toSeconds(),
                "max-pairs-per-request " + perRequest + " is far more work than a request may queue");
        Duration trim = duration(setting(container, "reranker.memory.trim-interval"));
        assertTrue(trim.compareTo(request) >= 0, "trim at most once per longest request");
        // The HPA scales on seconds of queued work, well before admission refuses.
        Manifest hpa = manifests.stream().filter(m -> m.kind().equals("HorizontalPodAutoscaler")).findFirst()
                .orElseThrow();
        boolean onSeconds = false;
        for (JsonNode metric : hpa.doc().path("spec").path("metrics")) {
            if (metric.path("pods").path("metric").path("name").asText().equals("reranker_queue_seconds")) {
                double target = metric.path("pods").path("target").path("averageValue").asDouble();
                assertTrue(target > 0 && target <= maxQueuedTime.toSeconds() / 2.0, "HPA target " + target
                        + " s must be well below max-queued-time " + maxQueuedTime);
                onSeconds = true;
            }
        }
        assertTrue(onSeconds, "the HPA scales on reranker_queue_seconds");
    }

    @Test
    void selectorsPortsAndReferencesResolve() {
        Map<String, Manifest> deployments = new HashMap<>();
        manifests.stream().filter(m -> m.kind().equals("Deployment")).forEach(m -> deployments.put(m.name(), m));
        Set<String> claims = new HashSet<>();
        manifests.stream().filter(m -> m.kind().equals("PersistentVolumeClaim")).forEach(m -> claims.add(m.name()));
        assertFalse(deployments.isEmpty());
        for (Manifest m : manifests) {
            switch (m.kind()) {
                case "Service" -> {
                    if (m.doc().path("apiVersion").asText().equals("v1")) {
                        Manifest target = selected(m.doc().path("spec").path("selector"), deployments, m);
                        JsonNode container = ourContainers(target).get(0);
                        for (JsonNode port : m.doc().path("spec").path("ports")) {
                            JsonNode targetPort = port.path("targetPort");
                            boolean found = false;
                            for (JsonNode p : container.path("ports")) {
                                found |= targetPort.isInt() ? p.path("containerPort").asInt() == targetPort.asInt()
                                        : p.path("name").asText().equals(targetPort.asText());
                            }
                            assertTrue(found, m + ": targetPort " + targetPort + " is no port of " + target);
                        }
                    }
                }
                case "PodDisruptionBudget" ->
                    selected(m.doc().path("spec").path("selector").path("matchLabels"), deployments, m);
                case "HorizontalPodAutoscaler" -> {
                    JsonNode ref = m.doc().path("spec").path("scaleTargetRef");
                    assertEquals("Deployment", ref.path("kind").asText());
                    assertNotNull(deployments.get(ref.path("name").asText()),
                            m + " scales a Deployment that is not in deploy/");
                }
                default -> {
                }
            }
            JsonNode pod = podSpec(m);
            if (pod == null) {
                continue;
            }
            Set<String> volumes = new HashSet<>();
            for (JsonNode volume : pod.path("volumes")) {
                volumes.add(volume.path("name").asText());
                JsonNode claim = volume.path("persistentVolumeClaim").path("claimName");
                if (!claim.isMissingNode()) {
                    assertTrue(claims.contains(claim.asText()),
                            m + " mounts claim " + claim + " that deploy/ does not define");
                }
            }
            for (JsonNode container : pod.path("containers")) {
                boolean tmp = false;
                for (JsonNode mount : container.path("volumeMounts")) {
                    assertTrue(volumes.contains(mount.path("name").asText()), m + ": no volume " + mount.path("name"));
                    tmp |= mount.path("mountPath").asText().equals("/tmp");
                }
                if (container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()
                        && container.path("image").asText().contains(OUR_IMAGE)) {
                    assertTrue(tmp, m
                            + ": a read-only root filesystem needs a writable /tmp (ONNX Runtime, JNA, the demo model)");
                }
            }
        }
    }

    @Test
    void everyMetricTheDashboardAndAutoscalerUseIsExported() throws IOException {
        given().contentType(ContentType.JSON).body(Map.of("query", "q", "texts", List.of("a", "b"))).post("/rerank")
                .then().statusCode(200);
        Management.given().get("/q/health/ready").then().statusCode(200);
        String metrics = Management.given().get("/q/metrics").asString();
        Set<String> exported = new HashSet<>();
        for (String line : metrics.split("\n", -1)) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:reranker|http_server|process|jvm)_[a-z0-9_]+)");
        Path dashboard = DEPLOY.resolve("grafana/reranker-dashboard.json");
        JsonNode json = new ObjectMapper().readTree(dashboard.toFile());
        List<String> exprs = new ArrayList<>();
        collect(json, "expr", exprs);
        collect(json, "query", exprs);
        assertTrue(exprs.size() > 10, "the dashboard has " + exprs.size() + " queries");
        for (Manifest m : manifests) {
            if (m.kind().equals("HorizontalPodAutoscaler")) {
                for (JsonNode spec : m.doc().path("spec").path("metrics")) {
                    exprs.add(spec.path("pods").path("metric").path("name").asText());
                }
            }
        }
        for (String expr : exprs) {
            Matcher matcher = metric.matcher(expr);
            while (matcher.find()) {
                used.add(matcher.group(1));
            }
        }
        List<String> missing = used.stream().filter(name -> !exported.contains(name)).toList();
        assertTrue(missing.isEmpty(), "used but not exported by /q/metrics: " + missing);
        assertTrue(used.contains("process_resident_memory_bytes") && used.contains("reranker_model_load_seconds"),
                "the dashboard shows RSS and model load time: " + used);
        // A timer's _max decays to 0 minutes after the load: the panel would read 0.
        assertFalse(used.contains("reranker_model_load_seconds_max"), "the load time is a gauge: " + used);
    }

    @Test
    void theDockerfileExposesThePortsAndRunsAsNonRoot() {
        Dockerfile docker = dockerfile();
        assertTrue(docker.expose().contains(application.getProperty("quarkus.http.port")), "EXPOSE " + docker.expose());
        assertTrue(docker.expose().contains(application.getProperty("quarkus.management.port")),
                "EXPOSE " + docker.expose() + " lacks the management port");
        assertEquals("1001", docker.user().split(":", -1)[0], "the image runs as uid 1001");
    }

    // ---- helpers ----

    /** The value of a setting for a container: its env override, else RerankerConfig's default. */
    private static String setting(JsonNode container, String property) {
        String env = ConfigNames.envName(property);
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(env)) {
                return e.path("value").asText();
            }
        }
        return SETTINGS.defaultOf(property).orElseThrow(() -> new AssertionError(property + " has no default"));
    }

    private static Duration duration(String value) {
        return DurationConverter.parseDuration(value);
    }

    private static JsonNode podSpec(Manifest m) {
        JsonNode spec = m.doc().path("spec").path("template").path("spec");
        return spec.isMissingNode() ? null : spec;
    }

    private static List<JsonNode> ourContainers(Manifest m) {
        JsonNode pod = podSpec(m);
        List<JsonNode> out = new ArrayList<>();
        if (pod != null) {
            for (JsonNode container : pod.path("containers")) {
                if (container.path("image").asText().contains(OUR_IMAGE)) {
                    out.add(container);
                }
            }
        }
        return out;
    }

    private static Manifest selected(JsonNode selector, Map<String, Manifest> deployments, Manifest by) {
        assertFalse(selector.isMissingNode() || selector.isEmpty(), by + " has no selector");
        for (Manifest d : deployments.values()) {
            JsonNode labels = d.doc().path("spec").path("template").path("metadata").path("labels");
            boolean all = true;
            for (Map.Entry<String, JsonNode> e : selector.properties()) {
                all &= labels.path(e.getKey()).asText().equals(e.getValue().asText());
            }
            if (all) {
                return d;
            }
        }
        return fail(by + ": selector " + selector + " matches no Deployment's pods");
    }

    private static void collect(JsonNode node, String field, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals(field) && e.getValue().isTextual()) {
                    out.add(e.getValue().asText());
                } else {
                    collect(e.getValue(), field, out);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collect(child, field, out));
        }
    }

    record Dockerfile(Map<String, String> env, Set<String> expose, String user) {
    }

    /** ENV, EXPOSE and the last USER of Dockerfile.jvm (continuation lines joined). */
    private static Dockerfile dockerfile() {
        String text;
        try {
            text = Files.readString(Path.of("Dockerfile.jvm")).replace("\\\n", " ");
        } catch (IOException e) {
            throw new AssertionError("Dockerfile.jvm: " + e);
        }
        Map<String, String> env = new HashMap<>();
        Set<String> expose = new HashSet<>();
        String user = "";
        Pattern assignment = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)");
        for (String line : text.split("\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("ENV ")) {
                Matcher m = assignment.matcher(trimmed.substring(4));
                while (m.find()) {
                    env.put(m.group(1), m.group(2));
                }
            } else if (trimmed.startsWith("EXPOSE ")) {
                expose.addAll(List.of(trimmed.substring(7).trim().split("\\s+")));
            } else if (trimmed.startsWith("USER ")) {
                user = trimmed.substring(5).trim();
            }
        }
        return new Dockerfile(env, expose, user);
    }
}
