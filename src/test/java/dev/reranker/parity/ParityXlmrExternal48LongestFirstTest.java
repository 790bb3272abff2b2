package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmrExternal48LongestFirstTest.Profile.class)
class ParityXlmrExternal48LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr-external", 48, "longest_first");
        }
    }

    ParityXlmrExternal48LongestFirstTest() {
        super("tiny-xlmr-external", 48, "longest_first");
    }
}
