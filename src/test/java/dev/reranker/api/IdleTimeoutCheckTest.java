package dev.reranker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class IdleTimeoutCheckTest {

    @Test
    void defaultsLeaveRoomForTheAnswer() {
        // application.properties: idle-timeout 120 s, request-timeout 75 s
        assertEquals(Optional.empty(), IdleTimeoutCheck.warning(Duration.ofSeconds(75), Duration.ofSeconds(120)));
    }

    @Test
    void aRequestTimeoutAboveTheIdleTimeoutIsNamed() {
        Optional<String> warning = IdleTimeoutCheck.warning(Duration.ofSeconds(900), Duration.ofSeconds(120));
        assertTrue(warning.orElseThrow().contains("quarkus.http.idle-timeout (PT2M)"), warning.orElseThrow());
        assertTrue(warning.orElseThrow().contains("reranker.request-timeout (PT15M)"), warning.orElseThrow());
    }

    @Test
    void lessThanTheMarginAboveIsTooLittle() {
        assertTrue(IdleTimeoutCheck.warning(Duration.ofSeconds(118), Duration.ofSeconds(120)).isPresent());
        assertEquals(Optional.empty(), IdleTimeoutCheck.warning(Duration.ofSeconds(115), Duration.ofSeconds(120)));
    }

    @Test
    void noIdleTimeoutCutsNothing() {
        assertEquals(Optional.empty(), IdleTimeoutCheck.warning(Duration.ofSeconds(900), Duration.ZERO));
    }
}
