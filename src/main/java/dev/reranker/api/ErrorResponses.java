package dev.reranker.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import dev.reranker.engine.RerankException;

/** Status codes and messages shared by both wire formats; each format wraps them in its own body. */
final class ErrorResponses {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class);

    /** A failure as a status, a message a client can act on, and TEI's error_type. */
    record Failure(int status, String message, String teiType, long retryAfterSeconds) {

        Response.ResponseBuilder builder(Object body) {
            Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body);
            if (retryAfterSeconds > 0) {
                builder.header("Retry-After", retryAfterSeconds);
            }
            return builder;
        }
    }

    private ErrorResponses() {
    }

    /** TEI's statuses (v1.9): empty 400, validation/tokenizer 422, overloaded 429, backend 424, unhealthy 503. */
    static Failure tei(RerankException e) {
        return switch (e.kind()) {
            case EMPTY -> new Failure(400, e.getMessage(), "empty", 0);
            case VALIDATION -> new Failure(422, e.getMessage(), "validation", 0);
            case TOKENIZER -> new Failure(422, e.getMessage(), "tokenizer", 0);
            case OVERLOADED -> new Failure(429, e.getMessage(), "overloaded", e.retryAfterSeconds());
            case BACKEND -> new Failure(424, e.getMessage(), "backend", 0);
            case UNHEALTHY -> new Failure(503, e.getMessage(), "unhealthy", 0);
            case TIMEOUT -> new Failure(503, e.getMessage(), "overloaded", e.retryAfterSeconds());
        };
    }

    /** Cohere's statuses: every invalid request 400, overload 429, no model 503, model failure 500. */
    static Failure cohere(RerankException e) {
        int status = switch (e.kind()) {
            case EMPTY, VALIDATION, TOKENIZER -> 400;
            case OVERLOADED -> 429;
            case UNHEALTHY, TIMEOUT -> 503;
            case BACKEND -> 500;
        };
        return new Failure(status, e.getMessage(), tei(e).teiType(), e.retryAfterSeconds());
    }

    /** A body that is not JSON, or JSON of the wrong shape: the client's mistake, so 400. */
    static Failure malformed(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int detail = message.indexOf(" (start marker at");
        if (detail > 0) {
            message = message.substring(0, detail);
        }
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() < 0 ? ""
                : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new Failure(400, "Malformed request body" + where + ": " + message, "validation", 0);
    }

    /** A request JAX-RS refused before the resource ran (media type, method, a reader's 400). */
    static Failure web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return malformed(json);
        }
        String message = status == 400 ? "Malformed request body" : e.getMessage();
        return new Failure(status, message, status == 503 ? "unhealthy" : "validation", 0);
    }

    /** Anything unexpected: logged here with its stack trace, answered without one. */
    static Failure unexpected(Throwable e) {
        LOG.error("Unexpected failure while serving a request", e);
        return new Failure(500, "Internal error: " + e.getClass().getSimpleName(), "backend", 0);
    }
}
