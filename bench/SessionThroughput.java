import ai.onnxruntime.*;
import java.nio.LongBuffer;
import java.util.*;
import java.util.concurrent.*;

/**
 * The bare ONNX Runtime session, no service around it: pairs/s and tokens/s of one model for batches of
 * several sizes at a fixed sequence length. It shows where the CPU's ceiling is and how it moves with the
 * batch size, which is what sizes reranker.batch.max-tokens. Single-file Java 17 with ONNX Runtime on the
 * class path:
 *
 *   java -cp target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime-1.29.0.jar \
 *       bench/SessionThroughput.java bench/.models/small-xlmr/model.onnx 4 96 1,5,10,20,40,80 2 1 1
 *
 * Arguments: model, seconds per batch size, sequence length, batch sizes, intra-op threads, concurrent
 * runs, allow spinning (1/0), optional session config entries "key=value;key=value".
 */
public class SessionThroughput {
    // args: model seconds len batches(csv) threadsPerRun concurrentRuns spinning
    public static void main(String[] a) throws Exception {
        if (a.length < 7 || a[0].equals("--help") || a[0].equals("-h")) {
            System.out.println("usage: java -cp <onnxruntime jar> bench/SessionThroughput.java MODEL_ONNX SECONDS"
                    + " SEQUENCE_LENGTH BATCHES(csv) THREADS CONCURRENT_RUNS SPINNING(1/0) [key=value;...]");
            return;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String model = a[0]; double secs = Double.parseDouble(a[1]); int len = Integer.parseInt(a[2]);
        int threads = Integer.parseInt(a[4]), conc = Integer.parseInt(a[5]);
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        o.addConfigEntry("session.intra_op.allow_spinning", a[6]);
        if (a.length > 7) {
            for (String kv : a[7].split(";")) {
                String[] p = kv.split("=");
                o.addConfigEntry(p[0], p[1]);
            }
        }
        try (OrtSession s = env.createSession(model, o)) {
            for (String bs : a[3].split(",")) {
                int batch = Integer.parseInt(bs);
                long[] ids = new long[batch * len]; long[] mask = new long[batch*len];
                Random r = new Random(1);
                for (int i = 0; i < ids.length; i++) { ids[i] = 5 + r.nextInt(7000); mask[i] = 1; }
                long[] shape = {batch, len};
                ExecutorService ex = Executors.newFixedThreadPool(conc);
                // warm
                run(env, s, ids, mask, shape);
                long end = System.nanoTime() + (long)(secs*1e9);
                List<Future<Integer>> fs = new ArrayList<>();
                long st = System.nanoTime();
                for (int c = 0; c < conc; c++) fs.add(ex.submit(() -> { int n=0; while (System.nanoTime() < end) { run(env, s, ids, mask, shape); n++; } return n; }));
                int runs = 0; for (Future<Integer> f : fs) runs += f.get();
                double el = (System.nanoTime() - st)/1e9;
                ex.shutdown();
                System.out.printf("threads=%d conc=%d spin=%s batch=%d len=%d: %.1f pairs/s, %.0f tokens/s, %.1f ms/run%n", threads, conc, a[6], batch, len, runs*batch/el, runs*batch*len/el, el*1000*conc/runs);
            }
        }
    }
    static void run(OrtEnvironment env, OrtSession s, long[] ids, long[] mask, long[] shape) throws Exception {
        try (OnnxTensor t1 = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
             OnnxTensor t2 = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OrtSession.Result res = s.run(Map.of("input_ids", t1, "attention_mask", t2))) { }
    }
}
