package dev.reranker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.reranker.support.RawHttp;
import dev.reranker.support.Ready;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

/**
 * Every status the service sends, on every route, carries the route's JSON error body: TEI's
 * {@code {"error", "error_type"}} on /rerank and every route that is not Cohere's, Cohere's {@code {"message"}} on
 * /v1/* and /v2/*; messages name fields as they are on the wire and never a Java class. Wrong JSON types are refused
 * (TEI 422, Cohere 400). Without an admin key, /admin/* is 404 for every method.
 */
@QuarkusTest
class ErrorContractTest {

    private static final String TEI_OK = "{\"query\": \"q\", \"texts\": [\"a\"]}";
    private static final String COHERE_OK = "{\"query\": \"q\", \"documents\": [\"a\"]}";

    @BeforeEach
    void ready() {
        Ready.await();
    }

    /** The body is TEI's error and nothing else, with a message free of Java. */
    static ValidatableResponse tei(Response response, int status, String type) {
        return response.then().statusCode(status).contentType(ContentType.JSON).body("$", aMapWithSize(2))
                .body("error", notNullValue()).body("error_type", equalTo(type)).body("error", noJava());
    }

    static ValidatableResponse cohere(Response response, int status) {
        return response.then().statusCode(status).contentType(ContentType.JSON).body("$", aMapWithSize(1))
                .body("message", notNullValue()).body("message", noJava());
    }

    private static org.hamcrest.Matcher<String> noJava() {
        return not(org.hamcrest.Matchers.anyOf(containsString("java."), containsString("dev.reranker"),
                containsString("com.fasterxml"), containsString("Exception"), containsString("ArrayList"),
                containsString("JsonNode")));
    }

    @Test
    void unknownPathsAre404InTheirRoutesFormat() {
        tei(given().get("/no/such/route"), 404, "not_found").body("error", containsString("/no/such/route"));
        tei(given().accept("text/html").get("/nothing-here"), 404, "not_found");
        cohere(given().post("/v1/nothing"), 404);
        cohere(given().get("/v2/rerank/extra"), 404);
        tei(given().get("/rerank/extra"), 404, "not_found");
        tei(given().options("/no/such/route"), 404, "not_found");
        tei(given().delete("/"), 404, "not_found");
    }

    @Test
    void wrongMethodsAre405() {
        tei(given().get("/rerank"), 405, "method_not_allowed").body("error", containsString("GET"));
        cohere(given().get("/v2/rerank"), 405);
        cohere(given().delete("/v1/rerank"), 405);
        tei(given().post("/info"), 405, "method_not_allowed");
        tei(given().contentType(ContentType.JSON).body("{}").put("/health"), 405, "method_not_allowed");
    }

    @Test
    void a405SaysWhichMethodsTheRouteTakes() {
        given().get("/rerank").then().statusCode(405).header("Allow", "OPTIONS, POST");
        given().put("/v2/rerank").then().statusCode(405).header("Allow", "OPTIONS, POST");
        given().request("INVENTED", "/v1/rerank").then().statusCode(405).header("Allow", "OPTIONS, POST");
        given().post("/info").then().statusCode(405).header("Allow", "GET, HEAD, OPTIONS");
        given().delete("/health").then().statusCode(405).header("Allow", "GET, HEAD, OPTIONS");
    }

    @Test
    void requestLinesAndHeadersOverTheLimitsGetTheRoutesJsonBody() throws Exception {
        String uri = RawHttp.exchange("GET /rerank?" + "q".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(uri.startsWith("HTTP/1.1 414"), uri);
        assertTrue(uri.endsWith("\"error_type\":\"validation\"}"), uri);
        String cohere = RawHttp.exchange("POST /v1/rerank?" + "q".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(cohere.startsWith("HTTP/1.1 414") && cohere.contains("{\"message\":\"Request URI too long"),
                cohere);
        String headers = RawHttp.exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(25_000)
                + "\r\n\r\n");
        assertTrue(headers.startsWith("HTTP/1.1 431"), headers);
        assertTrue(headers.contains("{\"error\":\"Request header fields too large"), headers);
    }

    @ParameterizedTest
    @ValueSource(strings = { "Transfer-Encoding: xchunked\r\nContent-Length: 29",
            "Transfer-Encoding: gzip\r\nContent-Length: 29", "Transfer-Encoding: identity\r\nContent-Length: 29" })
    void ambiguousFramingIs400WithAJsonBody(String framing) throws Exception {
        String body = "{\"query\":\"q\",\"texts\":[\"a\"]}";
        String answer = RawHttp.exchange("POST /rerank HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + framing + "\r\n\r\n" + body);
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"error_type\":\"validation\""), answer);
        assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
    }

    @Test
    void anUnavailableModelSaysWhenToComeBack() {
        Problem tei = ErrorMapper.problem(new dev.reranker.engine.ServiceException(
                dev.reranker.engine.ErrorKind.UNHEALTHY, "No model is loaded"), "/rerank");
        assertEquals(503, tei.status());
        assertTrue(tei.retryAfterSeconds() >= 1, "Retry-After on 503 unhealthy");
    }

    @Test
    void otherMediaTypesAre415AndUnacceptableAnswersAre406() {
        tei(given().contentType(ContentType.TEXT).body(TEI_OK).post("/rerank"), 415, "unsupported_media_type")
                .body("error", containsString("application/json"));
        cohere(given().contentType(ContentType.XML).body(COHERE_OK).post("/v2/rerank"), 415)
                .body("message", containsString("application/json"));
        tei(given().contentType(ContentType.JSON).accept("text/html").body(TEI_OK).post("/rerank"), 406,
                "not_acceptable");
        cohere(given().contentType(ContentType.JSON).accept("application/xml").body(COHERE_OK).post("/v1/rerank"), 406);
    }

    @Test
    void malformedJsonIs400WithoutJavaInTheMessage() {
        tei(given().contentType(ContentType.JSON).body("{\"query\": \"x\", \"texts\": [").post("/rerank"), 400,
                "validation").body("error", containsString("Malformed"));
        cohere(given().contentType(ContentType.JSON).body("{\"query\": ").post("/v2/rerank"), 400)
                .body("message", containsString("Malformed"));
        cohere(given().contentType(ContentType.JSON).body("[1, 2]").post("/v1/rerank"), 400)
                .body("message", containsString("must be a JSON object"));
    }

    /** A key given twice is malformed JSON, not "the last one wins", at any depth and on every route. */
    @Test
    void aKeyGivenTwiceIsMalformedJson() {
        tei(given().contentType(ContentType.JSON).body("{\"query\": \"q\", \"query\": \"r\", \"texts\": [\"a\"]}")
                .post("/rerank"), 400, "validation").body("error", containsString("Duplicate field 'query'"));
        tei(given().contentType(ContentType.JSON)
                .body("{\"query\": \"q\", \"texts\": [\"a\"], \"raw_scores\": false, \"raw_scores\": true}")
                .post("/rerank"), 400, "validation").body("error", containsString("Malformed"));
        cohere(given().contentType(ContentType.JSON)
                .body("{\"query\": \"q\", \"documents\": [\"a\"], \"documents\": [\"b\", \"c\"]}")
                .post("/v2/rerank"), 400).body("message", containsString("Duplicate field 'documents'"));
        cohere(given().contentType(ContentType.JSON)
                .body("{\"query\": \"q\", \"documents\": [{\"text\": \"a\", \"text\": \"b\"}]}")
                .post("/v1/rerank"), 400).body("message", containsString("Duplicate field 'text'"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"query\": 1, \"texts\": [\"a\"]}", "{\"query\": \"q\", \"texts\": [1, true]}",
            "{\"query\": \"q\", \"texts\": [\"a\"], \"raw_scores\": \"true\"}",
            "{\"query\": \"q\", \"texts\": [\"a\"], \"truncate\": 1}",
            "{\"query\": \"q\", \"texts\": \"a\"}",
            "{\"query\": \"q\", \"texts\": [\"a\"], \"max_chunks_per_doc\": 1.5}",
            "{\"query\": [\"q\"], \"texts\": [\"a\"]}" })
    void wrongJsonTypesAre422OnTei(String body) {
        tei(given().contentType(ContentType.JSON).body(body).post("/rerank"), 422, "validation")
                .body("error", containsString(" must be "));
    }

    @ParameterizedTest
    @ValueSource(strings = { "{\"query\": 1, \"documents\": [\"a\"]}",
            "{\"query\": \"q\", \"documents\": [\"a\"], \"top_n\": 1.5}",
            "{\"query\": \"q\", \"documents\": [\"a\"], \"top_n\": \"1\"}",
            "{\"query\": \"q\", \"documents\": [\"a\"], \"return_documents\": \"true\"}",
            "{\"query\": \"q\", \"documents\": [\"a\"], \"max_tokens_per_doc\": true}",
            "{\"query\": \"q\", \"documents\": \"a\"}", "{\"query\": \"q\", \"documents\": [1, true]}" })
    void wrongJsonTypesAre400OnCohere(String body) {
        cohere(given().contentType(ContentType.JSON).body(body).post("/v2/rerank"), 400);
        cohere(given().contentType(ContentType.JSON).body(body).post("/v1/rerank"), 400);
    }

    @Test
    void wrongTypeMessagesNameTheFieldAsOnTheWire() {
        tei(given().contentType(ContentType.JSON).body("{\"query\": \"q\", \"texts\": [\"a\", true]}").post("/rerank"),
                422, "validation").body("error", containsString("`texts[1]` must be a string"));
        cohere(given().contentType(ContentType.JSON).body("{\"query\": \"q\", \"documents\": [\"a\"], \"top_n\": 1.5}")
                .post("/v2/rerank"), 400).body("message", containsString("`top_n` must be a whole number"));
    }

    @Test
    void bodiesOverTheLimitAre413InTheirRoutesFormat() throws Exception {
        String tei = RawHttp.exchange(RawHttp.announce("/rerank", 21L * 1024 * 1024));
        assertTrue(tei.startsWith("HTTP/1.1 413"), tei);
        assertTrue(tei.endsWith("\"error_type\":\"payload_too_large\"}"), tei);
        String cohere = RawHttp.exchange(RawHttp.announce("/v2/rerank", 21L * 1024 * 1024));
        assertTrue(cohere.startsWith("HTTP/1.1 413"), cohere);
        assertTrue(cohere.contains("{\"message\":\"Request body too large"), cohere);
    }

    @Test
    void requestsTheHttpServerCannotRouteAre400WithAJsonBody() throws Exception {
        // HTTP/1.1 without Host: refused by the server's router, which would answer Quarkus's {"details", "stack"}.
        String answer = RawHttp.exchange("GET /health HTTP/1.1\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertTrue(answer.contains("\"error_type\":\"validation\""), answer);
        assertFalse(answer.contains("stack"), answer);
        String cohere = RawHttp.exchange("POST /v1/rerank HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
        assertTrue(cohere.startsWith("HTTP/1.1 400") && cohere.contains("{\"message\":"), cohere);
    }

    @ParameterizedTest
    @ValueSource(strings = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS" })
    void withoutAnAdminKeyEveryAdminPathIs404ForEveryMethod(String method) {
        for (String path : List.of("/admin/model", "/admin/model/load", "/admin/model/unload", "/admin", "/admin/x",
                "/%61dmin/model")) {
            Response response = given().urlEncodingEnabled(false).header("Authorization", "Bearer anything")
                    .request(method, path);
            assertEquals(404, response.statusCode(), method + " " + path);
            if (!method.equals("HEAD")) {
                tei(response, 404, "not_found");
            }
        }
    }

    /** Sends {@code request} as written and returns what comes back within a few seconds. */
    @Test
    void teiValidationKeepsItsStatuses() {
        tei(given().contentType(ContentType.JSON).body(Map.of("query", "", "texts", List.of("a"))).post("/rerank"), 400,
                "empty");
        tei(given().contentType(ContentType.JSON)
                .body("{\"query\": \"q\", \"texts\": [\"a\"], \"max_chunks_per_doc\": 0}")
                .post("/rerank"), 422, "validation").body("error", containsString("`max_chunks_per_doc`"));
    }
}
