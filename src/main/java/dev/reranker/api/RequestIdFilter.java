package dev.reranker.api;

import java.util.concurrent.ThreadLocalRandom;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.quarkus.vertx.http.ManagementInterface;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is a sane token, else a new random one.
 * The id comes back in the response's {@code X-Request-Id} (on every route: scoring, health, metrics, errors, on
 * both ports)
 * and sits in the logging MDC as {@code request_id}, so log lines written while handling the request show it
 * (the console format prints it; JSON logs carry the MDC). Work done on the tokenizer and batch threads is shared
 * between requests and logs without it.
 */
@ApplicationScoped
class RequestIdFilter {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "request_id";
    private static final int MAX_LENGTH = 128;
    /** Before every other filter, so that even a request refused early carries its id. */
    private static final int PRIORITY = 1000;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    void register(@Observes Filters filters) {
        filters.register(RequestIdFilter::handle, PRIORITY);
    }

    /** The probes and metrics on the management interface too: Filters apply to the service port only. */
    void register(@Observes ManagementInterface management) {
        management.router().route().order(Integer.MIN_VALUE).handler(RequestIdFilter::handle);
    }

    static void handle(RoutingContext context) {
        String id = accept(context.request().getHeader(HEADER));
        if (id == null) {
            id = newId();
        }
        context.response().putHeader(HEADER, id);
        MDC.put(MDC_KEY, id);
        context.next();
    }

    /** The caller's id when it is 1 to 128 visible ASCII characters without spaces or quotes, else null. */
    static String accept(String header) {
        if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
            return null;
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c <= ' ' || c >= 127 || c == '"' || c == '\\') {
                return null;
            }
        }
        return header;
    }

    /** 32 hex characters; random enough to correlate log lines, and cheap (no SecureRandom). */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            out[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
            out[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
