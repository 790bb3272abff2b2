package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityBert512LongestFirstTest.Profile.class)
class ParityBert512LongestFirstTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-bert", 512, "longest_first");
        }
    }

    ParityBert512LongestFirstTest() {
        super("tiny-bert", 512, "longest_first");
    }
}
