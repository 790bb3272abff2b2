package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmrExternal512LongestFirstTest.Profile.class)
class ParityXlmrExternal512LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr-external", 512, "longest_first");
        }
    }

    ParityXlmrExternal512LongestFirstTest() {
        super("tiny-xlmr-external", 512, "longest_first");
    }
}
