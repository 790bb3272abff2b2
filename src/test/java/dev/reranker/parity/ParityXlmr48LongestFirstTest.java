package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmr48LongestFirstTest.Profile.class)
class ParityXlmr48LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr", 48, "longest_first");
        }
    }

    ParityXlmr48LongestFirstTest() {
        super("tiny-xlmr", 48, "longest_first");
    }
}
