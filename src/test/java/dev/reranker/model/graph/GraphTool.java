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
 * process's RSS. tools/oracle/check_graph.py validates the built graph with onnx.checker; the README's comparison
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
                ? CrossEncoderGraph.LinearStyle.valueOf(args[2]) : CrossEncoderGraph.LinearStyle.FUSED_MATMUL;
        boolean load = List.of(args).contains("--load");
        long start = System.nanoTime();
        PreparedGraph graph = SafetensorsGraph.prepare(model, "reranker-graph-" + style.name().toLowerCase(), cache, style);
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
                try (OnnxTensor i = OnnxTensor.createTensor(env, ids); OnnxTensor m = OnnxTensor.createTensor(env, mask);
                        OrtSession.Result r = session.run(Map.of("input_ids", i, "attention_mask", m))) {
                    System.out.printf("session created in %d ms; first run %d ms total; logit %.6f; RSS %d MB%n",
                            created, (System.nanoTime() - start) / 1_000_000,
                            ((float[][]) r.get(0).getValue())[0][0], rssMb());
                }
            }
        }
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
