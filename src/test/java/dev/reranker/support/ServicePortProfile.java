package dev.reranker.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One application for two tests of the service port whose settings do not meet: it takes 20 connections instead of
 * 10,000 (ConnectionFloodTest, which then needs 40 sockets, not 20,000), and it serves the probes and the metrics on
 * the service port too (ProbesOnServicePortTest). The flood only holds the service port while its own test runs and
 * waits until the port answers again before it ends. Sharing it saves an application start.
 */
public class ServicePortProfile implements QuarkusTestProfile {

    /** Connections the service port takes in this application. */
    public static final int MAX_CONNECTIONS = 20;

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("quarkus.http.limits.max-connections", String.valueOf(MAX_CONNECTIONS),
                "reranker.probes-on-service-port", "true");
    }
}
