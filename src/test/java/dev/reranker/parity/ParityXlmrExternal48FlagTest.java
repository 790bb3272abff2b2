package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmrExternal48FlagTest.Profile.class)
class ParityXlmrExternal48FlagTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr-external", 48, "flag");
        }
    }

    ParityXlmrExternal48FlagTest() {
        super("tiny-xlmr-external", 48, "flag");
    }
}
