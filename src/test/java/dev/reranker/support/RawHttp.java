package dev.reranker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import io.restassured.RestAssured;

/**
 * Bytes on a socket to the application under test, for requests no HTTP client would send, and for the 413 a body
 * over the limit gets (Java 17's HttpClient never completes an {@code Expect: 100-continue} request that is answered
 * with a final status and a body; Java 21's does).
 */
public final class RawHttp {

    private RawHttp() {
    }

    /** Sends {@code request} as written and returns what comes back until the server closes or goes quiet. */
    public static String exchange(String request) throws IOException {
        StringBuilder answer = new StringBuilder();
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(3_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) > 0) {
                answer.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (answer.indexOf("\r\n\r\n") > 0 && answer.toString().endsWith("}")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // what came is the answer
        }
        return answer.toString();
    }

    /** The headers of a POST announcing {@code length} bytes and waiting for 100 Continue before sending them. */
    public static String announce(String path, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + length + "\r\nExpect: 100-continue\r\n\r\n";
    }
}
