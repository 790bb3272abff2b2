package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Management;
import dev.reranker.support.Ready;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * Connections that never finish a request: they are closed after quarkus.http.idle-timeout, and while a thousand of
 * them are open the probes and the scoring routes still answer at once. The application here runs with a 2 s idle
 * timeout so that the test does not wait 120 s; the shipped settings are checked against each other below.
 */
@QuarkusTest
@TestProfile(ConnectionHygieneTest.ShortIdleTimeout.class)
class ConnectionHygieneTest {

    private static final int HALF_OPEN = 1000;

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2s");
        }
    }

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void halfOpenConnectionsNeitherBlockTheProbesNorStay() throws Exception {
        List<Socket> halfOpen = new ArrayList<>();
        try {
            for (int i = 0; i < HALF_OPEN; i++) {
                Socket socket = new Socket("localhost", RestAssured.port);
                // Headers begun, never finished: what a slowloris client sends.
                socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1));
                halfOpen.add(socket);
            }
            long start = System.nanoTime();
            Management.given().get("/q/health/live").then().statusCode(200);
            given().contentType("application/json").body("{\"query\": \"q\", \"texts\": [\"a\"]}").post("/rerank")
                    .then()
                    .statusCode(200);
            long millis = (System.nanoTime() - start) / 1_000_000;
            // Generous: the machine running the tests may be busy; a listener that is blocked never answers.
            assertTrue(millis < 5_000, "liveness and a rerank took " + millis + " ms beside " + HALF_OPEN
                    + " half-open connections");
            // After the idle timeout (2 s here) the server has closed every one of them.
            Thread.sleep(4_000);
            int closed = 0;
            for (Socket socket : halfOpen) {
                if (closedByServer(socket)) {
                    closed++;
                }
            }
            assertEquals(HALF_OPEN, closed, "half-open connections closed by the server after the idle timeout");
        } finally {
            for (Socket socket : halfOpen) {
                socket.close();
            }
        }
    }

    private static boolean closedByServer(Socket socket) throws IOException {
        socket.setSoTimeout(500);
        InputStream in = socket.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** The shipped settings: an idle timeout a queued request outlives, and a connection limit. */
    @Test
    void theShippedSettingsFitTogether() throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        DurationConverter durations = new DurationConverter();
        Duration idle = durations.convert(properties.getProperty("quarkus.http.idle-timeout", "30M"));
        Duration requestTimeout = durations.convert(properties.getProperty("reranker.request-timeout", "30s"));
        assertTrue(idle.compareTo(Duration.ofMinutes(2)) <= 0, "idle timeout " + idle + ": half-open connections stay");
        assertTrue(idle.compareTo(requestTimeout.plusSeconds(30)) >= 0,
                "idle timeout " + idle + " must outlast a queued request (" + requestTimeout
                        + ") and a balancer's 60 s");
        String limit = properties.getProperty("quarkus.http.limits.max-connections");
        assertTrue(limit != null && Integer.parseInt(limit) >= 2 * HALF_OPEN && Integer.parseInt(limit) < 20_000,
                "a connection limit below common open-files limits: " + limit);
        // With HTTP/2 cleartext on, connections that have not sent a whole request head are not counted toward the
        // limit (ConnectionFloodTest fills the limit with such connections).
        assertEquals("false", properties.getProperty("quarkus.http.http2"),
                "quarkus.http.http2: half-open connections escape max-connections under h2c");
    }
}
