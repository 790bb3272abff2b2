package dev.reranker.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.reranker.support.Management;
import dev.reranker.support.Poll;
import dev.reranker.support.Ready;
import dev.reranker.support.ServicePortProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

/**
 * More connections than the service port takes: the service port closes new ones at once, and the probes and the
 * metrics still answer, because they are on the management interface, a listener of its own. The application here
 * takes 20 connections on the service port instead of 10,000 ({@link ServicePortProfile}).
 */
@QuarkusTest
@TestProfile(ServicePortProfile.class)
class ConnectionFloodTest {

    private static final int LIMIT = ServicePortProfile.MAX_CONNECTIONS;
    private static final int FLOOD = 2 * LIMIT;

    @BeforeEach
    void ready() {
        Ready.await();
    }

    @Test
    void probesAndMetricsAnswerWhileTheServicePortIsFull() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < FLOOD; i++) {
                Socket socket = new Socket("localhost", RestAssured.port);
                // Headers begun, never finished: the connection stays open until the idle timeout.
                socket.getOutputStream().write(
                        "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                flood.add(socket);
            }
            // The limit is in force: the server has closed what came beyond it.
            Poll.until("the service port closes the connections beyond its limit",
                    () -> flood.stream().filter(ConnectionFloodTest::closedByServer).count() >= FLOOD - LIMIT);
            assertFalse(served(RestAssured.port), "a new request on the full service port was answered");

            Management.given().get("/q/health/live").then().statusCode(200);
            Management.given().get("/q/health/ready").then().statusCode(200);
            String metrics = Management.given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(metrics.contains("reranker_model_load_seconds"), "the service's own metrics in /q/metrics");

            // Still full: the probes did not answer because the flood had gone.
            assertFalse(served(RestAssured.port), "the service port took a request while the flood was open");
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
            // The application is shared with other tests of the service port: leave it as it was found.
            Poll.until("the service port answers again once the flood has gone", () -> served(RestAssured.port));
        }
    }

    /** Whether a complete request on a new connection to {@code port} gets an HTTP answer. */
    private static boolean served(int port) {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream()
                    .write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] start = new byte[12];
            int n = socket.getInputStream().read(start);
            return n > 0 && new String(start, 0, n, StandardCharsets.ISO_8859_1).startsWith("HTTP/");
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return false; // reset
        }
    }

    private static boolean closedByServer(Socket socket) {
        try {
            socket.setSoTimeout(1);
            InputStream in = socket.getInputStream();
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }
}
