package dev.reranker.lifecycle;

import java.util.concurrent.TimeUnit;

/**
 * A process for {@link StopSignalTest}: installs {@link StopSignal}, says so, and waits to be stopped; its shutdown
 * hook prints the cause it recorded, or {@code NONE} when it was asked to exit without a signal.
 */
final class StopSignalProbe {

    private StopSignalProbe() {
    }

    public static void main(String... args) throws InterruptedException {
        StopSignal.install();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(
                "cause=" + StopSignal.cause() + " recorded=" + StopSignal.recorded()), "probe-hook"));
        System.out.println("installed recorded=" + StopSignal.recorded());
        System.out.flush();
        if (args.length > 0 && args[0].equals("exit")) {
            System.exit(1); // what Quarkus.asyncExit(1) comes to after a failed start
        }
        TimeUnit.MINUTES.sleep(2);
    }
}
