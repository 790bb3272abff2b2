package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityBert48FlagTest.Profile.class)
class ParityBert48FlagTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-bert", 48, "flag");
        }
    }

    ParityBert48FlagTest() {
        super("tiny-bert", 48, "flag");
    }
}
