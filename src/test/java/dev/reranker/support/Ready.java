package dev.reranker.support;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/** The model loads off the startup thread; tests wait for readiness like a platform probe would. */
public final class Ready {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Ready() {
    }

    public static void await() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (given().get("/health").statusCode() != 200) {
            io.restassured.response.Response live = Management.given().get("/q/health/live");
            if (live.statusCode() != 200) {
                throw new AssertionError("the model failed to load: " + live.body().asString());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the model was not ready within " + TIMEOUT);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
