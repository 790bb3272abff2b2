package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmr512LongestFirstTest.Profile.class)
class ParityXlmr512LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr", 512, "longest_first");
        }
    }

    ParityXlmr512LongestFirstTest() {
        super("tiny-xlmr", 512, "longest_first");
    }
}
