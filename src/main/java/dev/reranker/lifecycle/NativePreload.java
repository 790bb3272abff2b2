package dev.reranker.lifecycle;

import ai.djl.util.Utils;
import dev.reranker.infer.OnnxRuntimeNatives;
import dev.reranker.tokenize.PairTokenizer;

/**
 * Loads ONNX Runtime's and DJL's native libraries while Quarkus boots, off the critical path of a cold start.
 *
 * <p>
 * Both libraries load once per process under their own locks (a class initializer for DJL, a synchronized
 * init for ONNX Runtime), so a model load that starts before this thread is done simply waits for it. ONNX
 * Runtime's libraries are taken from an extracted copy in DJL's engine cache directory (DJL_CACHE_DIR,
 * default ~/.djl.ai; made on the first start) unless {@code onnxruntime.native.path} names one, as the
 * container image does. A failure here is left for the model loader, which meets it again and reports it.
 *
 * <p>
 * Runs before configuration and logging exist, so it reads no setting of the service and logs nothing.
 */
final class NativePreload {

    private NativePreload() {
    }

    static void start() {
        Thread thread = new Thread(NativePreload::run, "reranker-native-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        try {
            OnnxRuntimeNatives.useCache(Utils.getEngineCacheDir("onnxruntime"));
            OnnxRuntimeNatives.load();
        } catch (RuntimeException | LinkageError e) {
            // reported by the model loader, which loads the library again
        }
        try {
            PairTokenizer.loadNativeLibrary();
        } catch (RuntimeException | LinkageError e) {
            // reported by the model loader
        }
    }
}
