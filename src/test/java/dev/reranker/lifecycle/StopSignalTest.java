package dev.reranker.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.reranker.lifecycle.StopSignal.Cause;

/**
 * The pre-stop delay is for a platform that still routes requests after its SIGTERM: it applies to a SIGTERM while
 * the model is served, never to Ctrl-C (SIGINT) or to the exit of a failed start. The signals are told apart in a
 * real process that receives them, and the process still exits as the JVM makes it (143, 130).
 */
class StopSignalTest {

    @Test
    void onlyASigtermWhileServingWaits() {
        assertTrue(StopSignal.platformMayStillRoute(Cause.TERM, true, true));
        assertFalse(StopSignal.platformMayStillRoute(Cause.INT, true, true), "Ctrl-C in a terminal");
        assertFalse(StopSignal.platformMayStillRoute(Cause.NONE, true, true), "an exit without a signal");
        assertFalse(StopSignal.platformMayStillRoute(Cause.TERM, true, false), "SIGTERM before the model was served");
        assertFalse(StopSignal.platformMayStillRoute(Cause.NONE, true, false), "a failed start");
        // Where SIGTERM cannot be recorded, a stop while serving waits: a platform's stop must not lose requests.
        assertTrue(StopSignal.platformMayStillRoute(Cause.NONE, false, true));
        assertFalse(StopSignal.platformMayStillRoute(Cause.NONE, false, false));
    }

    @Test
    void sigtermIsRecordedAndTheProcessStillExitsWith143() throws Exception {
        Probe probe = Probe.start();
        // Not Process.destroy(): it sends SIGTERM but also closes the streams the answer comes on.
        assertTrue(probe.signal("TERM"), "kill -TERM was sent");
        assertEquals(143, probe.exitCode());
        assertEquals("cause=TERM recorded=true", probe.lastLine());
    }

    @Test
    void sigintIsRecordedAndTheProcessStillExitsWith130() throws Exception {
        Probe probe = Probe.start();
        // A job started without job control inherits an ignored SIGINT: then Ctrl-C cannot stop it either.
        Assumptions.assumeTrue(probe.signal("INT"), "kill -INT could not be sent");
        int code = probe.exitCode();
        Assumptions.assumeTrue(code != Probe.STILL_RUNNING, "SIGINT is ignored in this process tree");
        assertEquals(130, code);
        assertEquals("cause=INT recorded=true", probe.lastLine());
    }

    @Test
    void anExitWithoutASignalRecordsNone() throws Exception {
        Probe probe = Probe.start("exit");
        assertEquals(1, probe.exitCode());
        assertEquals("cause=NONE recorded=true", probe.lastLine());
    }

    private static final class Probe {
        static final int STILL_RUNNING = -1;
        final Process process;
        final List<String> lines = new ArrayList<>();
        final BufferedReader out;

        private Probe(Process process) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        static Probe start(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    System.getProperty("java.home") + File.separator + "bin" + File.separator + "java", "-cp",
                    System.getProperty("java.class.path"), StopSignalProbe.class.getName()));
            command.addAll(List.of(args));
            Probe probe = new Probe(new ProcessBuilder(command).redirectErrorStream(true).start());
            String first = probe.out.readLine();
            assertEquals("installed recorded=true", first, "the probe installed its handlers");
            return probe;
        }

        boolean signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
            return kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0;
        }

        int exitCode() throws Exception {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                return STILL_RUNNING;
            }
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                lines.add(line);
            }
            return process.exitValue();
        }

        String lastLine() {
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }
}
