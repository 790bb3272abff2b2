package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmr48FlagTest.Profile.class)
class ParityXlmr48FlagTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr", 48, "flag");
        }
    }

    ParityXlmr48FlagTest() {
        super("tiny-xlmr", 48, "flag");
    }
}
