package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityBert512FlagTest.Profile.class)
class ParityBert512FlagTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-bert", 512, "flag");
        }
    }

    ParityBert512FlagTest() {
        super("tiny-bert", 512, "flag");
    }
}
