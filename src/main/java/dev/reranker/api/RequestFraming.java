package dev.reranker.api;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.core.HttpHeaders;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, with the route's JSON error body, requests whose framing or size the HTTP server would let through or
 * refuse with an empty body:
 * <ul>
 * <li>ambiguous framing (400): a {@code Transfer-Encoding} other than exactly {@code chunked}, or one beside a
 * {@code Content-Length}. Netty frames {@code Transfer-Encoding: xchunked} plus {@code Content-Length} by the length, a
 * proxy in front may frame it otherwise: the classic request-smuggling gap. The connection is closed after the
 * answer, since where this request ends is not known.</li>
 * <li>a request line over {@value #MAX_REQUEST_LINE} characters (414) or a header block over {@value #MAX_HEADERS}
 * bytes (431). The HTTP server's own limits (quarkus.http.limits.max-initial-line-length and max-header-size: 8 KiB and
 * 32 KiB) are set
 * higher, so that what lies between is answered here in JSON; beyond them the server closes the connection after an
 * empty 414 or 431, which no handler of the application sees (Quarkus gives no access to Vert.x's invalid request
 * handler).</li>
 * </ul>
 */
@Singleton
class RequestFraming {

    /** Quarkus's default quarkus.http.limits.max-initial-line-length. */
    static final int MAX_REQUEST_LINE = 4096;
    /** Quarkus's default quarkus.http.limits.max-header-size. */
    static final int MAX_HEADERS = 20 * 1024;
    /** After the request id, before the admin gate and the body limit. */
    private static final int PRIORITY = 950;

    private final ErrorMapper errors;

    RequestFraming(ErrorMapper errors) {
        this.errors = errors;
    }

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    private void check(RoutingContext context) {
        Problem problem = problem(context);
        if (problem == null) {
            context.next();
            return;
        }
        // The rest of the request is not read: the connection cannot carry another one.
        context.response().putHeader("Connection", "close").endHandler(ended -> context.request().connection().close());
        errors.answer(context, problem);
    }

    private static Problem problem(RoutingContext context) {
        var request = context.request();
        int line = request.method().name().length() + request.uri().length() + 10;
        if (line > MAX_REQUEST_LINE) {
            return new Problem(414, "Request URI too long (limit: " + MAX_REQUEST_LINE + " characters)",
                    "validation");
        }
        long headers = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headers += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headers > MAX_HEADERS) {
            return new Problem(431, "Request header fields too large (limit: " + MAX_HEADERS + " bytes)",
                    "validation");
        }
        return framing(request.headers().getAll("Transfer-Encoding"),
                request.headers().getAll(HttpHeaders.CONTENT_LENGTH));
    }

    /** Why the body's framing is ambiguous, or null when it is not. */
    static Problem framing(List<String> transferEncodings, List<String> contentLengths) {
        if (transferEncodings.isEmpty()) {
            return null;
        }
        if (transferEncodings.size() > 1
                || !transferEncodings.get(0).trim().toLowerCase(Locale.ROOT).equals("chunked")) {
            return new Problem(400, "Unsupported Transfer-Encoding: only chunked is accepted", "validation");
        }
        if (!contentLengths.isEmpty()) {
            return new Problem(400, "Ambiguous framing: send Content-Length or Transfer-Encoding: chunked, not both",
                    "validation");
        }
        return null;
    }
}
