package dev.reranker.support;

import java.net.URI;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/**
 * REST Assured pointed at the management interface, where {@code /q/health/*} and {@code /q/metrics} answer (a port of
 * their own, random in tests): {@code Management.Management.given().get("/q/health/ready")}.
 * {@link RestAssured#given()} stays on
 * the service port.
 */
public final class Management {

    private Management() {
    }

    public static RequestSpecification given() {
        return RestAssured.given().baseUri("http://" + uri().getHost()).port(port()).basePath("");
    }

    /** The management interface's port in the application under test. */
    public static int port() {
        int port = uri().getPort();
        if (port <= 0) {
            throw new IllegalStateException("no management port in " + uri());
        }
        return port;
    }

    /** Quarkus's test configuration resolves it to the port the management interface took. */
    private static URI uri() {
        return URI.create(ConfigProvider.getConfig().getValue("test.management.url", String.class));
    }
}
