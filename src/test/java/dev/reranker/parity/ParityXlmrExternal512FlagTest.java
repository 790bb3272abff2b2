package dev.reranker.parity;

import dev.reranker.support.ModelProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

@QuarkusTest
@TestProfile(ParityXlmrExternal512FlagTest.Profile.class)
class ParityXlmrExternal512FlagTest extends ParityTestBase {

    public static class Profile extends ModelProfile {
        public Profile() {
            super("tiny-xlmr-external", 512, "flag");
        }
    }

    ParityXlmrExternal512FlagTest() {
        super("tiny-xlmr-external", 512, "flag");
    }
}
