package dev.reranker.model.graph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

/**
 * Not a test: builds the graph of a save_pretrained directory with one {@link CrossEncoderGraph.LinearStyle}, then
 * (with --load) opens it in ONNX Runtime as the service does and prints the session's creation time and the
 * process's RSS. tools/oracle/check_graph.py validates the built graph with onnx.checker; the comparison in
 * docs/serving-bge-reranker-v2-m3.md
 * of linear styles at full size was made with it:
 *
 * <pre>
 * ./mvnw -q test-compile && java -cp "target/classes:target/test-classes:target/quarkus-app/lib/main/*" \
 *     dev.reranker.model.graph.GraphTool MODEL_DIR FALLBACK_DIR [FUSED_MATMUL|GEMM|TRANSPOSE] [--load]
 * </pre>
 */
public final class GraphTool {

    private GraphTool() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        Path cache = Path.of(args[1]);
        CrossEncoderGraph.LinearStyle style = args.length > 2 && !args[2].startsWith("--")
                ? CrossEncoderGraph.LinearStyle.valueOf(args[2])
                : CrossEncoderGraph.LinearStyle.FUSED_MATMUL;
        boolean load = List.of(args).contains("--load");
        long start = System.nanoTime();
        PreparedGraph graph = SafetensorsGraph.prepare(model, "reranker-graph-" + style.name().toLowerCase(), cache,
                style);
        System.out.printf("graph %s (%s, %d bytes) %s in %d ms%n", graph.graph(), style, Files.size(graph.graph()),
                graph.built() ? "built" : "cached", (System.nanoTime() - start) / 1_000_000);
        if (!load) {
            return;
        }
        System.out.printf("RSS before the session: %d MB%n", rssMb());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            options.setMemoryPatternOptimization(false);
            start = System.nanoTime();
            try (OrtSession session = env.createSession(graph.graph().toString(), options)) {
                long created = (System.nanoTime() - start) / 1_000_000;
                long[][] ids = { { 0, 100, 200, 300, 2, 2, 400, 500, 2 } };
                long[][] mask = { { 1, 1, 1, 1, 1, 1, 1, 1, 1 } };
                try (OnnxTensor i = OnnxTensor.createTensor(env, ids);
                        OnnxTensor m = OnnxTensor.createTensor(env, mask);
                        OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m))) {
                    System.out.printf("session created in %d ms; first run %d ms total; logit %.6f; RSS %d MB (%s);"
                            + " safetensors mapped: %s%n", created, (System.nanoTime() - start) / 1_000_000,
                            ((float[][]) r.get(0).getValue())[0][0], rssMb(), status("RssAnon", "RssFile"),
                            mapped(model));
                }
                if (List.of(args).contains("--bench")) {
                    // 20 pairs x 64 tokens (about 20 documents of 40 words), five runs after one warm-up.
                    long[][] batch = new long[20][64];
                    long[][] ones = new long[20][64];
                    java.util.Random random = new java.util.Random(1);
                    for (int p = 0; p < 20; p++) {
                        for (int t = 0; t < 64; t++) {
                            batch[p][t] = t == 0 ? 0 : t == 63 ? 2 : 5 + random.nextInt(7000);
                            ones[p][t] = 1;
                        }
                    }
                    long[] millis = new long[6];
                    for (int run = 0; run < millis.length; run++) {
                        long t0 = System.nanoTime();
                        try (OnnxTensor i = OnnxTensor.createTensor(env, batch);
                                OnnxTensor m = OnnxTensor.createTensor(env, ones);
                                OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m))) {
                            millis[run] = r.size() == 1 ? (System.nanoTime() - t0) / 1_000_000 : -1;
                        }
                    }
                    long[] timed = java.util.Arrays.copyOfRange(millis, 1, millis.length);
                    java.util.Arrays.sort(timed);
                    System.out.printf("20 x 64 tokens: median %d ms of %s; RSS %d MB%n", timed[2],
                            java.util.Arrays.toString(timed), rssMb());
                }
            }
        }
    }

    private static String status(String... fields) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            for (String field : fields) {
                if (line.startsWith(field + ":")) {
                    out.append(out.length() > 0 ? ", " : "").append(field).append(' ')
                            .append(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024).append(" MB");
                }
            }
        }
        return out.toString();
    }

    /** Size and resident part of the mappings of the model's safetensors files, from /proc/self/smaps. */
    private static String mapped(Path model) throws Exception {
        long size = 0;
        long rss = 0;
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                inside = line.contains(".safetensors") || line.contains(model.toRealPath().toString());
            } else if (inside && line.startsWith("Size:")) {
                size += Long.parseLong(line.replaceAll("[^0-9]", ""));
            } else if (inside && line.startsWith("Rss:")) {
                rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return size / 1024 + " MB mapped, " + rss / 1024 + " MB of it resident";
    }

    private static long rssMb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
