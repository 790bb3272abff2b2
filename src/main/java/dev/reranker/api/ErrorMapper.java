package dev.reranker.api;

import java.util.function.BiConsumer;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import dev.reranker.engine.ServiceException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The one place where a failure becomes an answer, on every route and at every level: exceptions of the resources
 * and filters (JAX-RS), refusals of the HTTP server (Vert.x: unknown paths, bodies over the limit, requests it cannot
 * parse), and the admin gate. Each becomes a {@link Problem} (status and the API's own words, never a Java class
 * name), and {@link WireFormat} picks the body by route.
 */
@Singleton
class ErrorMapper {

    private static final Logger LOG = Logger.getLogger(ErrorMapper.class);

    private final ObjectMapper json;

    ErrorMapper(ObjectMapper json) {
        this.json = json;
    }

    // ---- JAX-RS: one method per exception type that Quarkus would otherwise map itself, all to the same answer

    @ServerExceptionMapper
    Response service(ServiceException e, HttpServerRequest request) {
        return answer(problem(e, request.path()), request.path());
    }

    @ServerExceptionMapper
    Response refused(ApiException e, HttpServerRequest request) {
        return answer(e.problem(), request.path());
    }

    @ServerExceptionMapper
    Response unreadable(JsonProcessingException e, HttpServerRequest request) {
        return answer(unreadable(e, request.path()), request.path());
    }

    @ServerExceptionMapper
    Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return answer(unreadable(e, request.path()), request.path());
    }

    @ServerExceptionMapper
    Response web(WebApplicationException e, HttpServerRequest request) {
        Response answer = answer(refusal(e, request), request.path());
        String allow = e.getResponse().getHeaderString(HttpHeaders.ALLOW);
        if (allow == null && e.getResponse().getStatus() == 405) {
            allow = AllowedMethods.of(request.path());
        }
        return allow == null ? answer : Response.fromResponse(answer).header(HttpHeaders.ALLOW, allow).build();
    }

    @ServerExceptionMapper
    Response unexpected(Throwable e, HttpServerRequest request) {
        return answer(unexpected(e), request.path());
    }

    // ---- Vert.x: what never reaches a resource

    void routes(@Observes Router router) {
        // Failures of the HTTP server itself (body over the limit, a request it cannot parse): before Quarkus's
        // handler, which would answer {"details", "stack"}.
        router.route().order(Integer.MIN_VALUE).failureHandler(this::failed);
        // After every route, the Quarkus REST resources and the /q/ endpoints included: nothing else answers.
        router.route().order(Integer.MAX_VALUE).handler(context -> answer(context, notFound(context.request())));
    }

    private void failed(RoutingContext context) {
        int status = context.statusCode();
        Throwable failure = context.failure();
        Problem problem;
        if (failure != null && status < 400) {
            problem = failure instanceof ServiceException service ? problem(service, context.request().path())
                    : unexpected(failure);
        } else {
            problem = status(status < 400 ? 500 : status, context.request());
        }
        answer(context, problem);
    }

    /** Ends {@code context} with {@code problem} in its route's format. */
    void answer(RoutingContext context, Problem problem) {
        if (context.response().ended()) {
            return;
        }
        if (context.response().headWritten()) {
            context.request().connection().close();
            return;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(WireFormat.of(context.request().path()).body(problem));
        } catch (JsonProcessingException e) {
            context.response().setStatusCode(500).end();
            return;
        }
        context.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE,
                MediaType.APPLICATION_JSON);
        headers(problem, (name, value) -> context.response().putHeader(name, value));
        context.response().end(Buffer.buffer(body));
    }

    private static Response answer(Problem problem, String path) {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(WireFormat.of(path).body(problem));
        headers(problem, builder::header);
        return builder.build();
    }

    private static void headers(Problem problem, BiConsumer<String, String> header) {
        if (problem.retryAfterSeconds() > 0) {
            header.accept("Retry-After", Long.toString(problem.retryAfterSeconds()));
        }
        if (problem.status() == 401) {
            header.accept(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
    }

    // ---- what each failure means to a client

    /** TEI's statuses (v1.9) on its route; Cohere's (every invalid request 400, model failure 500) on Cohere's. */
    static Problem problem(ServiceException e, String path) {
        boolean cohere = WireFormat.of(path) == WireFormat.COHERE;
        String message = e.getMessage();
        return switch (e.kind()) {
            case EMPTY -> new Problem(400, message, "empty");
            case VALIDATION -> new Problem(cohere ? 400 : 422, message, "validation");
            case TOKENIZER -> new Problem(cohere ? 400 : 422, message, "tokenizer");
            case OVERLOADED -> new Problem(429, message, "overloaded", Math.max(1, e.retryAfterSeconds()));
            case TIMEOUT -> new Problem(503, message, "overloaded", Math.max(1, e.retryAfterSeconds()));
            case BACKEND -> new Problem(cohere ? 500 : 424, message, "backend");
            case UNHEALTHY -> new Problem(503, message, "unhealthy", Math.max(1, e.retryAfterSeconds()));
            case BUSY -> new Problem(409, message, "busy");
            case LOAD_FAILED -> new Problem(422, message, "validation");
        };
    }

    /**
     * A body that is not JSON is 400 everywhere; JSON of the wrong shape or types is 422 on TEI's route (as TEI
     * answers) and 400 elsewhere (as Cohere answers). The message names the field as it is on the wire.
     */
    static Problem unreadable(JsonProcessingException e, String path) {
        if (e instanceof MismatchedInputException mismatch) {
            int status = "/rerank".equals(path) ? 422 : 400;
            return new Problem(status, "Malformed request body: " + mismatch(mismatch), "validation");
        }
        String message = e.getOriginalMessage();
        int detail = message.indexOf(" (start marker at");
        if (detail > 0) {
            message = message.substring(0, detail);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new Problem(400, "Malformed request body" + where + ": " + message, "validation");
    }

    private static String mismatch(MismatchedInputException e) {
        StringBuilder field = new StringBuilder();
        for (JsonMappingException.Reference reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        String found = e.getProcessor() instanceof JsonParser parser ? found(parser.currentToken()) : null;
        String expected = expected(e.getTargetType());
        String subject = field.length() == 0 ? "the body" : "`" + field + "`";
        return subject + " must be " + expected + (found == null ? "" : ", not " + found);
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (Iterable.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "a JSON object";
    }

    private static String found(JsonToken token) {
        if (token == null) {
            return null;
        }
        return switch (token) {
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "a whole number";
            case VALUE_NUMBER_FLOAT -> "a fractional number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_OBJECT, END_OBJECT, FIELD_NAME -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_NULL -> "null";
            default -> null;
        };
    }

    private static Problem refusal(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return unreadable(json, request.path());
        }
        if (e instanceof NotFoundException) {
            return notFound(request);
        }
        return status(e.getResponse().getStatus(), request);
    }

    private static Problem notFound(HttpServerRequest request) {
        return notFound(request.method().name(), request.path());
    }

    static Problem notFound(String method, String path) {
        return new Problem(404, "No route " + method + " " + path + "; see /q/openapi", "not_found");
    }

    /** A status the HTTP layer chose, with words that say what to change. */
    static Problem status(int status, HttpServerRequest request) {
        String method = request.method().name();
        String path = request.path();
        return switch (status) {
            case 400 -> new Problem(400, "Bad request: the HTTP request could not be read", "validation");
            case 401 -> new Problem(401, "Missing or invalid credentials: send Authorization: Bearer <key>",
                    "unauthorized");
            case 404 -> notFound(request);
            case 405 -> new Problem(405, "Method " + method + " is not allowed on " + path, "method_not_allowed");
            case 406 -> new Problem(406, path + " answers application/json; the Accept header does not allow it",
                    "not_acceptable");
            case 413 -> new Problem(413, "Request body too large (limit: quarkus.http.limits.max-body-size)",
                    "payload_too_large");
            case 414 -> new Problem(414, "Request URI too long", "validation");
            case 415 -> new Problem(415, path + " reads application/json; send Content-Type: application/json",
                    "unsupported_media_type");
            case 431 -> new Problem(431, "Request header fields too large", "validation");
            case 503 -> new Problem(503, "The service is not ready", "unhealthy", 1);
            default -> status >= 500 ? new Problem(status, "Internal error", "backend")
                    : new Problem(status, "The request was refused (HTTP " + status + ")", "validation");
        };
    }

    /** Anything unexpected: logged here with its stack trace, answered without one. */
    private static Problem unexpected(Throwable e) {
        LOG.error("Unexpected failure while serving a request", e);
        return new Problem(500, "Internal error; the service logged the details", "backend");
    }
}
