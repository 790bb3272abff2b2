package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityBert48LongestFirstTest.Profile.class)
class ParityBert48LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-bert", 48, "longest_first");
        }
    }

    ParityBert48LongestFirstTest() {
        super("tiny-bert", 48, "longest_first");
    }
}
