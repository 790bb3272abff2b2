package dev.reranker.lifecycle;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * The entry point of the packaged service. Before Quarkus boots it starts loading the native libraries of
 * ONNX Runtime and DJL on a thread of their own (see {@link NativePreload}), so that the model loader,
 * which starts late in the boot, finds them loaded. Tests and dev mode start Quarkus without this class.
 */
@QuarkusMain
public final class Main {

    public static void main(String... args) {
        NativePreload.start();
        Quarkus.run(args);
    }
}
