package dev.reranker.parity;

import io.quarkus.test.junit.QuarkusTest;

/** The default configuration: the embedded demo model (tiny-xlmr), max-length 512, flag truncation. */
@QuarkusTest
class ParityXlmr512FlagTest extends ParityTestBase {

    ParityXlmr512FlagTest() {
        super("tiny-xlmr", 512, "flag");
    }
}
